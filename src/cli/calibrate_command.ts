import { calibrate, DamagedInputError, expandInputs, NoDataError } from "../calibrate/calibrate.ts";
import type { Calibration } from "../calibrate/calibrate.ts";
import { ASK, BID } from "../calibrate/sojourns.ts";
import { checkReplaceable, writeFileAtomic } from "../core/atomic_file.ts";
import { UsageError } from "../core/errors.ts";
import { checkOutputPath } from "../core/output_path.ts";
import { inputRunDirs } from "../format/input.ts";
import { MAX_LEVELS } from "../book/book.ts";
import { table, thousands } from "./format.ts";
import { flags, NO_VERIFY_FLAG, parseCommand } from "./flags.ts";
import { calibrateRealInputs } from "./calibrate_real.ts";
import { REAL_DATA_FLAGS } from "./calibrate_real_flags.ts";

const CALIBRATE_COMMAND = {
  name: "calibrate",
  maxPositionals: Infinity,
  summary: "estimate HLR intensity curves from .qrsdp logs, LOBSTER or ITCH (for run --hlr-curves)",
  usage: "qrsdp calibrate FILE.qrsdp|RUN_DIR... [flags]\n" +
    "qrsdp calibrate --lobster MESSAGE.csv [ORDERBOOK.csv]|FOLDER... [flags]\n" +
    "qrsdp calibrate --itch FILE[.gz] --symbol SYM[,SYM...] [flags]",
  flags: flags({
    output: {
      type: "string",
      noun: "path",
      default: "hlr_curves.json",
      help: "curves file to write, - for stdout",
    },
    levels: {
      type: "number",
      integer: true,
      min: 1,
      max: MAX_LEVELS,
      defaultHelp: "the first file's levels per side; LOBSTER, ITCH: 5",
      help: "levels per side of the curves",
    },
    "n-max": {
      type: "number",
      default: 100,
      integer: true,
      max: 100_000,
      help: "largest queue size in each table (tables hold n = 0..N)",
    },
    "spread-sens": {
      type: "number",
      min: 0,
      defaultHelp: "estimated; --compat: 0.3",
      help: "spread sensitivity of the file (the curves are made to go with it)",
    },
    "imbalance-sens": {
      type: "number",
      min: 0,
      defaultHelp: "0; --compat: 1",
      help: "imbalance sensitivity written into the file",
    },
    compat: {
      type: "boolean",
      help: "the C++ reference implementation's estimator and quirks: its file, byte for byte",
    },
    uncensored: {
      type: "boolean",
      help: "drop the time at risk cut short by price changes, as the C++ reference (biased up)",
    },
    json: { type: "boolean", help: "print the summary as one JSON document" },
    "no-verify": NO_VERIFY_FLAG,
    ...REAL_DATA_FLAGS,
  }),
  notes: `Run directories stand for their manifest's files, in manifest order; all inputs feed one
set of estimators; a file reached twice is refused. The file is written whole or not at all (a
temporary file, then renamed); a symbolic link, a device or a FIFO at --output is refused, never
replaced, and --output may not be inside an input run directory.

Default mode differs from --compat where the C++ reference implementation is wrong: the time at
risk a price change cuts short counts too (unbiased rates; --uncensored drops it), the clock
starts at the market open (not midnight), a header depth of 0 is replayed as 50 (as generated), a
damaged file's sound chunks before the damage are used (the curves are written, the damage is
named with its byte offset, exit 1), and --n-max below 0 or --levels above a file's levels is
refused. The spread sensitivity is estimated (maximum likelihood) and taken out of the add and
market curves, so that run applies it once; the imbalance sensitivity is 0 (its effect stays
averaged into the curves) unless given. The file also describes the
source (tick size, units, opening depth, p0, open, session length), which run --hlr-curves takes
as defaults. --compat reproduces the reference implementation's file exactly, and refuses a
damaged input.

Exit status: 0 on success, 1 when an input is damaged, no input has a sound chunk (nothing is
written) or the output cannot be written, 2 for a usage error or an input that cannot be read.`,
};

export async function calibrateCommand(
  args: string[],
  workerUrl?: string | URL,
): Promise<number> {
  const parsed = await parseCommand(CALIBRATE_COMMAND, args);
  if (!parsed) return 0;
  const v = parsed.values;
  if (parsed.positionals.length === 0 && v.itch === undefined) {
    throw new UsageError("give one or more .qrsdp files or run directories");
  }
  if (v.compat && parsed.given.has("imbalance-sens")) {
    throw new UsageError(
      "--imbalance-sens: --compat always writes 1 (the C++ reference implementation has no such flag)",
    );
  }
  const toStdout = v.output === "-";
  if (v.lobster || v.itch !== undefined) {
    checkOutputPath(v.output, "--output", { stdout: true });
    const outputs = await calibrateRealInputs(parsed.positionals, v, workerUrl);
    if (outputs.length > 1) Deno.mkdirSync(v.output, { recursive: true });
    for (const out of outputs) {
      if (toStdout) writeAll(Deno.stdout, new TextEncoder().encode(out.json));
      else {
        checkReplaceable(out.path, "--output");
        writeFileAtomic(out.path, out.json, "--output");
      }
      (toStdout ? console.error : console.log)(`${out.summary}\n-> ${out.path}`);
    }
    return 0;
  }
  if (toStdout && v.json) {
    throw new UsageError("--json with --output -: both would go to stdout");
  }
  checkOutputPath(v.output, "--output", { stdout: true, inputs: inputRunDirs(parsed.positionals) });
  if (!toStdout) checkReplaceable(v.output, "--output");
  const warnings: string[] = [];
  let result: Calibration;
  try {
    result = calibrate({
      files: expandInputs(parsed.positionals),
      levels: v.levels ?? null,
      nMax: v["n-max"],
      spreadSensitivity: v["spread-sens"] ?? (v.compat ? 0.3 : null),
      imbalanceSensitivity: v["imbalance-sens"] ?? 0,
      compat: v.compat,
      censored: !v.compat && !v.uncensored,
      verify: !v["no-verify"],
    }, (line) => {
      // The reference implementation's own lines (one per mispriced execution) go out as it prints them.
      if (line.startsWith("QRSDP:")) return console.error(line);
      warnings.push(line.replace(/^warning: /, ""));
      console.error(`qrsdp calibrate: ${line}`);
    });
  } catch (e) {
    if (!(e instanceof DamagedInputError || e instanceof NoDataError)) throw e;
    console.error(`qrsdp calibrate: ${e.message}`);
    return 1;
  }
  const damaged = result.files.some((f) => f.damage !== null);
  if (toStdout) {
    writeAll(Deno.stdout, new TextEncoder().encode(result.json));
    console.error(summaryText(result, v.output));
  } else {
    writeFileAtomic(v.output, result.json, "--output");
    console.log(
      v.json
        ? JSON.stringify(summaryJson(result, v.output, v.compat, !v.uncensored, warnings), null, 2)
        : summaryText(result, v.output),
    );
  }
  return damaged ? 1 : 0;
}

function writeAll(out: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) done += out.writeSync(bytes.subarray(done));
}

interface QueueSummary {
  level: number;
  side: "bid" | "ask";
  sojourns: number;
  /** The largest queue size seen on this level and side (-1 if none), and its sojourns. */
  largestN: number;
  sojournsAtLargestN: number;
}

function queues(result: Calibration): QueueSummary[] {
  const out: QueueSummary[] = [];
  for (let level = 0; level < result.levels; level++) {
    for (const side of [BID, ASK]) {
      const largestN = result.cells.largestSize(side, level);
      out.push({
        level,
        side: side === BID ? "bid" : "ask",
        sojourns: result.cells.total(side, level),
        largestN,
        sojournsAtLargestN: result.cells.count(side, level, largestN),
      });
    }
  }
  return out;
}

function summaryText(result: Calibration, output: string): string {
  const rows = queues(result).map((q) => [
    String(q.level),
    q.side,
    thousands(q.sojourns),
    q.largestN < 0 ? "-" : String(q.largestN),
    thousands(q.sojournsAtLargestN),
  ]);
  return [
    `${result.files.length} file${result.files.length === 1 ? "" : "s"}: ${
      thousands(result.events)
    } events, ` +
    `${thousands(result.sojourns)} sojourns; K=${result.levels}, n_max=${result.nMax} -> ${
      output === "-" ? "stdout" : output
    }`,
    table([["level", "side", "sojourns", "largest n", "sojourns there"], ...rows]),
  ].join("\n");
}

function summaryJson(
  result: Calibration,
  output: string,
  compat: boolean,
  censored: boolean,
  warnings: string[],
) {
  return {
    output,
    mode: compat ? "compat" : censored ? "default" : "uncensored",
    levels: result.levels,
    n_max: result.nMax,
    spread_sensitivity: result.spreadSensitivity,
    events: result.events,
    sojourns: result.sojourns,
    files: result.files.map((f) => ({
      path: f.path,
      events: f.events,
      sojourns: f.sojourns,
      mispriced_executions: f.priceMismatches,
      damage: f.damage,
    })),
    queues: queues(result).map((q) => ({
      level: q.level,
      side: q.side,
      sojourns: q.sojourns,
      largest_n: q.largestN < 0 ? null : q.largestN,
      sojourns_at_largest_n: q.sojournsAtLargestN,
    })),
    warnings,
  };
}
