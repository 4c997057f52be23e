import { toJson } from "../core/json.ts";
import type { FileCheck } from "../format/verify.ts";
import { EVENT_TYPE_NAMES, SIDE_NAMES } from "../core/events.ts";
import type { EventRecord } from "../core/events.ts";
import { DataError, UsageError } from "../core/errors.ts";
import { inspectFile, readRun, sessionPath } from "../format/input.ts";
import { bytesText, clockText, table, thousands } from "./format.ts";
import { flags, parseCommand } from "./flags.ts";
import { runHolder } from "../run/run_dir.ts";

const INFO_COMMAND = {
  name: "info",
  maxPositionals: 1,
  summary: "describe a .qrsdp file or a run directory, and check its integrity",
  usage: "qrsdp info FILE.qrsdp [--records N]\nqrsdp info RUN_DIR",
  flags: flags({
    records: {
      type: "number",
      default: 5,
      integer: true,
      min: 0,
      help: "records to print from the start of a file",
    },
    json: { type: "boolean", help: "one JSON document on stdout (keys in docs/cli.md)" },
    running: {
      type: "boolean",
      help: "only say whether a run is writing RUN_DIR now (exit 0) or not (exit 1), from its lock",
    },
  }),
  notes:
    `Exit status: 0 when every file is sound, 1 when a file is damaged (what could be recovered is
described, with the byte offset of the damage), 2 when a file cannot be read at all.`,
};

export async function infoCommand(args: string[]): Promise<number> {
  const parsed = await parseCommand(INFO_COMMAND, args);
  if (!parsed) return 0;
  if (parsed.positionals.length !== 1) {
    throw new UsageError("give one .qrsdp file or run directory");
  }
  const path = parsed.positionals[0];
  const records = parsed.values.records;
  if (parsed.values.running) {
    const holder = runHolder(path);
    console.log(holder ? `${path}: a run is writing it (process ${holder})` : `${path}: no run`);
    return holder ? 0 : 1;
  }
  let stat: Deno.FileInfo;
  try {
    stat = await Deno.stat(path);
  } catch (e) {
    throw new DataError(`cannot read (${(e as Error).message})`, { source: path });
  }
  if (parsed.values.json) {
    // Loaded on use, as is the manifest's reader: `info FILE` needs neither.
    const { fileInfoJson, runInfoJson } = await import("./info_json.ts");
    const { doc, code } = stat.isDirectory ? runInfoJson(path) : fileInfoJson(path, records);
    console.log(toJson(doc, 2));
    return code;
  }
  return stat.isDirectory ? describeRun(path) : describeFile(path, records);
}

function recordLine(r: EventRecord): string[] {
  return [
    clockText(r.tsNs),
    EVENT_TYPE_NAMES[r.type] ?? `type ${r.type}`,
    SIDE_NAMES[r.side] ?? String(r.side),
    String(r.priceTicks),
    String(r.qty),
    String(r.orderId),
  ];
}

function describeFile(path: string, show: number): number {
  const { reader, check, first: records } = inspectFile(path, show);
  const h = reader.header;
  // One write: each console line goes through the output guard (output.ts).
  const out = [`${path}
  format         ${h.versionMajor}.${h.versionMinor}, ${h.recordSize}-byte records, ${
    reader.indexed ? "indexed" : "no index (chunks found by walking)"
  }
  seed           ${h.seed}
  p0_ticks       ${h.p0Ticks} (tick size ${h.tickSize})
  book           ${h.levelsPerSide} levels, spread ${h.initialSpreadTicks}, depth ${h.initialDepth}
  session        ${h.sessionSeconds} s from ${clockText(h.marketOpenNs)}
  chunks         ${check.chunks} of up to ${h.chunkCapacity} records
  records        ${thousands(check.records)}
  size           ${bytesText(reader.size)} (${
    (check.records * h.recordSize / Math.max(reader.size, 1)).toFixed(2)
  }x compression)`];
  if (check.firstTsNs !== null) {
    out.push(`  time range     ${clockText(check.firstTsNs)} - ${clockText(check.lastTsNs!)}`);
  }
  if (check.records > 0) {
    out.push("  event mix");
    check.mix.forEach((n, t) =>
      out.push(
        `    ${EVENT_TYPE_NAMES[t].padEnd(13)} ${thousands(n).padStart(12)}  ${
          (100 * n / check.records).toFixed(1)
        }%`,
      )
    );
  }
  if (show > 0 && check.chunks > 0) {
    const first = [["ts", "type", "side", "price", "qty", "order_id"]];
    first.push(...records.map(recordLine));
    out.push(table(first).replace(/^/gm, "    "));
  }
  if (check.problems.length === 0) {
    out.push(`  integrity      ${soundText(check, check.chunks)}`);
  } else {
    for (const p of check.problems) out.push(`  damage         ${p}`);
  }
  console.log(out.join("\n"));
  return check.problems.length === 0 ? 0 : 1;
}

/** A sound file is "ok" only when checksums vouch for every chunk. */
function soundText(check: FileCheck, chunks: number): string {
  if (chunks > 0 && check.checksummed === chunks) return "ok (every chunk matches its checksum)";
  return chunks === 0
    ? "no records to check"
    : "no checksums (structure sound; written without chunk checksums, so records are unverified)";
}

function describeRun(dir: string): number {
  const run = readRun(dir);
  const raw = run.manifest;
  console.log(
    `${dir}: ${
      raw.run_id ?? "run"
    } (manifest ${raw.format_version}), base seed ${raw.base_seed}, ${raw.session_seconds} s sessions`,
  );
  const rows = [["symbol", "date", "seed", "records", "chunks", "size", "time range", "integrity"]];
  let bad = 0;
  for (const session of run.sessions) {
    const row = [session.symbol ?? "-", session.date!, String(session.seed)];
    try {
      const { reader, check } = inspectFile(sessionPath(session));
      const range = check.firstTsNs === null
        ? "-"
        : `${clockText(check.firstTsNs).slice(0, 12)}-${clockText(check.lastTsNs!).slice(0, 12)}`;
      if (check.problems.length) bad++;
      row.push(
        thousands(check.records),
        String(check.chunks),
        bytesText(reader.size),
        range,
        check.problems.length
          ? `DAMAGED ${check.problems[0]}`
          : soundText(check, check.chunks).split(" (")[0],
      );
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      bad++;
      row.push("-", "-", "-", "-", `UNREADABLE ${e.message}`);
    }
    rows.push(row);
  }
  console.log(table(rows));
  return bad === 0 ? 0 : 1;
}
