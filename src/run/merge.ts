import { DataError, UsageError } from "../core/errors.ts";
import { toJson } from "../core/json.ts";
import { AtomicFile } from "../core/atomic_file.ts";
import { checkOutputPath } from "../core/output_path.ts";
import { pathInside, readFull } from "../core/safe_read.ts";
import { SessionLog } from "../format/input.ts";
import { readManifest, writeManifest } from "../format/manifest.ts";
import { openRunDir } from "./run_dir.ts";

type Json = ReturnType<typeof readManifest>["raw"][string];
type JsonObject = { [key: string]: Json };

/** One part of a run (`run --shard I/N`), as its manifest describes it. */
interface Part {
  dir: string;
  raw: JsonObject;
  index: number;
  count: number;
  symbols: string[];
}

export interface MergeReport {
  parts: number;
  securities: number;
  files: number;
  records: number;
}

/**
 * Puts the parts of a sharded run back together in `output`: every part of the same run (same
 * settings, same list of symbols), each shard once, every security of the whole in the part that
 * owns it, every session finished and every file sound. The files are copied byte for byte and the
 * manifest is the one the whole run in one process writes.
 */
export function mergeRuns(dirs: string[], output: string, force: boolean): MergeReport {
  if (dirs.length === 0) throw new UsageError("give the run directories of every shard");
  const parts = dirs.map(readPart).sort((a, b) => a.index - b.index);
  const first = parts[0];
  for (const p of parts) {
    if (p.count !== first.count || toJson(p.symbols) !== toJson(first.symbols)) {
      throw new DataError(
        `is shard ${p.index}/${p.count} of ${p.symbols.length} symbols, ${first.dir} ` +
          `${first.index}/${first.count} of ${first.symbols.length}: not parts of one run`,
        { source: manifestOf(p.dir) },
      );
    }
    if (settings(p.raw) !== settings(first.raw)) {
      throw new DataError(`settings differ from ${manifestOf(first.dir)}'s`, {
        source: manifestOf(p.dir),
      });
    }
  }
  for (let i = 0; i < first.count; i++) {
    const with_i = parts.filter((p) => p.index === i);
    if (with_i.length === 0) throw new UsageError(`shard ${i}/${first.count} is missing`);
    if (with_i.length > 1) {
      throw new UsageError(
        `${with_i[0].dir} and ${with_i[1].dir} are both shard ${i}/${first.count}`,
      );
    }
  }
  const bySymbol = new Map<string, { part: Part; security: JsonObject }>();
  for (const p of parts) {
    const securities = p.raw.securities as JsonObject[];
    const expected = p.symbols.filter((_, i) => i % p.count === p.index);
    const got = securities.map((s) => s.symbol as string);
    if (toJson(got) !== toJson(expected)) {
      throw new DataError(
        `shard ${p.index}/${p.count} should hold ${expected.join(",")}, holds ${got.join(",")}`,
        { source: manifestOf(p.dir) },
      );
    }
    securities.forEach((s) => bySymbol.set(s.symbol as string, { part: p, security: s }));
  }
  const held = [...bySymbol.entries()].map(([symbol, { part, security }]) => ({
    symbol,
    part,
    sessions: (security.sessions as Json[]).length,
  }));
  const most = held.reduce((a, b) => b.sessions > a.sessions ? b : a);
  const short = held.find((h) => h.sessions < most.sessions);
  if (short) {
    throw new DataError(
      `${short.symbol} has ${short.sessions} sessions, ${most.symbol} in ${most.part.dir} ` +
        `${most.sessions}: this part stopped early; run it again`,
      { source: manifestOf(short.part.dir) },
    );
  }
  const files: { from: string; to: string }[] = [];
  let records = 0;
  for (const { part, security } of bySymbol.values()) {
    for (const s of security.sessions as JsonObject[]) {
      const where = `${manifestOf(part.dir)}: ${s.file}`;
      if (s.in_progress) {
        throw new DataError(`${s.file} is not finished (in_progress)`, {
          source: manifestOf(part.dir),
        });
      }
      const from = pathInside(part.dir, s.file, where);
      records += soundRecords(from);
      files.push({ from, to: s.file as string });
    }
  }
  const merged: JsonObject = { ...first.raw };
  delete merged.shard;
  merged.securities = first.symbols.map((symbol) => bySymbol.get(symbol)!.security);
  checkOutputPath(output, "--output", { inputs: dirs });
  const dir = openRunDir(output, force, "--output");
  try {
    for (const f of files) copyInto(f.from, `${output}/${f.to}`);
    writeManifest(output, merged);
  } finally {
    dir.release();
  }
  return { parts: parts.length, securities: bySymbol.size, files: files.length, records };
}

const manifestOf = (dir: string) => `${dir}/manifest.json`;

function readPart(dir: string): Part {
  const { raw } = readManifest(dir);
  const shard = raw.shard as JsonObject | undefined;
  const source = manifestOf(dir);
  if (!shard || typeof shard !== "object" || Array.isArray(shard)) {
    throw new DataError("has no shard block: it is not a part made with run --shard", { source });
  }
  const index = Number(shard.index), count = Number(shard.count);
  const symbols = shard.symbols;
  if (
    !Number.isInteger(index) || !Number.isInteger(count) || index < 0 || index >= count ||
    !Array.isArray(symbols) || symbols.some((s) => typeof s !== "string")
  ) {
    throw new DataError("shard: not {index, count, symbols} with 0 <= index < count", { source });
  }
  if (!Array.isArray(raw.securities)) throw new DataError("has no securities list", { source });
  return { dir, raw, index, count, symbols: symbols as string[] };
}

/** Everything of a part's manifest that every part of the run shares. */
function settings(raw: JsonObject): string {
  const { securities, shard: _, ...top } = raw;
  const books = (securities as JsonObject[]).map((
    { symbol: _s, p0_ticks: _p, sessions: _x, ...book },
  ) => book);
  return toJson({ top, book: books[0] ?? null });
}

/** The records of a sound file (every chunk checked); a DataError naming the first damage. */
function soundRecords(path: string): number {
  const log = SessionLog.open(path);
  try {
    while (log.next());
    if (log.damage) throw new DataError(log.damage.detail, { source: log.damage.file });
    return log.records;
  } finally {
    log.close();
  }
}

const COPY_BLOCK = 1 << 20;

/** A byte-for-byte copy through the output layer: whole under its name, or not there. */
function copyInto(from: string, to: string): void {
  const slash = to.lastIndexOf("/");
  try {
    Deno.mkdirSync(to.slice(0, slash), { recursive: true });
  } catch (e) {
    throw new DataError(`cannot create its folder (${(e as Error).message})`, { source: to });
  }
  const out = AtomicFile.create(to, "--output");
  const file = Deno.openSync(from, { read: true });
  try {
    const block = new Uint8Array(COPY_BLOCK);
    for (let n = readFull(file, block); n > 0; n = readFull(file, block)) {
      out.write(block.subarray(0, n));
      if (n < block.length) break;
    }
    out.commit();
  } finally {
    out.abort();
    file.close();
  }
}
