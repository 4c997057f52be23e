import { expandInputs } from "../calibrate/calibrate.ts";
import { compareStats } from "../calibrate/realism_compare.ts";
import type { FigureDistance } from "../calibrate/realism_compare.ts";
import { itchRealism, lobsterRealism, qrsdpRealism } from "../calibrate/realism_sources.ts";
import { lobsterPairs, withOrderbook } from "../calibrate/lobster_calibrate.ts";
import type { QueueUnit } from "../calibrate/real_calibrate.ts";
import { REAL_DATA_FLAGS } from "./calibrate_real_flags.ts";
import type { RealismStats } from "../calibrate/realism_stats.ts";
import { DataError, UsageError } from "../core/errors.ts";
import { MAX_LEVELS } from "../book/book.ts";
import { table } from "./format.ts";
import { flags, parseCommand } from "./flags.ts";

const COMPARE_COMMAND = {
  name: "compare",
  maxPositionals: 2,
  summary: "the realism report of two sources side by side, with distances",
  usage: "qrsdp compare A B [flags]",
  flags: flags({
    levels: {
      type: "number",
      integer: true,
      min: 1,
      max: MAX_LEVELS,
      defaultHelp: "the first file's levels per side",
      help: "levels per side in the report",
    },
    json: { type: "boolean", help: "print the report as one JSON document" },
    symbol: {
      type: "string",
      help: "the security of an ITCH file given without :SYM",
    },
    tick: REAL_DATA_FLAGS.tick,
    unit: REAL_DATA_FLAGS.unit,
    lot: REAL_DATA_FLAGS.lot,
  }),
  notes: `A and B are each a run directory (or a security's folder in one, or .qrsdp files), a
LOBSTER message file (its orderbook file beside it is used) or a folder of LOBSTER days, or
an ITCH 5.0 file (.gz too) as FILE:SYM or with --symbol. Queue sizes of real data are in
the model's units, as calibrate computes them (--unit, --lot, --tick).

Figures: event rates per type and level, queue-size distributions per level (time
weighted, both sides pooled), the spread distribution, inter-arrival mean and CV, log mid
returns at 1, 10 and 60 s (sd, excess kurtosis, ACF of |r| and r at lags 1-10), the
signature plot (realised variance per second against the sampling interval) and events per
30 minutes. Distances: KS for distributions, relative error for rates and scales, absolute
difference for kurtosis and autocorrelations; '*' flags a distance above its threshold.

Exit status: 0 (whatever the distances), 2 for a usage error or an input that cannot be read.`,
};

export async function compareCommand(args: string[]): Promise<number> {
  const parsed = await parseCommand(COMPARE_COMMAND, args);
  if (!parsed) return 0;
  if (parsed.positionals.length !== 2) throw new UsageError("give two sources, A and B");
  const v = parsed.values;
  if (v.unit === "lots" && v.lot === undefined) throw new UsageError("--unit lots needs --lot");
  const a = await statsOf(parsed.positionals[0], v);
  const b = await statsOf(parsed.positionals[1], { ...v, levels: v.levels ?? a.levels });
  const figures = compareStats(a, b);
  if (parsed.values.json) {
    console.log(
      JSON.stringify(
        { a: parsed.positionals[0], b: parsed.positionals[1], stats: { a, b }, figures },
        null,
        2,
      ),
    );
  } else {
    console.log(reportText(parsed.positionals[0], parsed.positionals[1], figures));
  }
  return 0;
}

interface SourceFlags {
  levels?: number;
  symbol?: string;
  tick?: number;
  unit: string;
  lot?: number;
}

/** The realism figures of a source named on the command line (see the notes for the forms). */
function statsOf(source: string, v: SourceFlags): Promise<RealismStats> | RealismStats {
  const real = {
    levels: v.levels ?? 5,
    unit: v.unit as QueueUnit,
    lot: v.lot ?? 1,
    tick: v.tick ?? null,
  };
  let stat: Deno.FileInfo | null = null;
  try {
    stat = Deno.statSync(source);
  } catch {
    // perhaps FILE:SYM
  }
  const colon = source.lastIndexOf(":");
  if (stat === null && colon > 0) {
    return itchRealism(source.slice(0, colon), source.slice(colon + 1), real);
  }
  if (stat === null) throw new DataError("cannot read (no such file or directory)", { source });
  const isLobsterDir = stat.isDirectory && !isFile(`${source}/manifest.json`) &&
    [...Deno.readDirSync(source)].some((e) => /_message_\d+\.csv$/.test(e.name));
  if (isLobsterDir || source.endsWith(".csv")) {
    const pairs = isLobsterDir ? lobsterPairs([source]) : lobsterPairs(withOrderbook(source));
    return lobsterRealism(pairs, real);
  }
  if (stat.isDirectory || source.endsWith(".qrsdp")) {
    return qrsdpRealism(expandInputs([source]), v.levels ?? null);
  }
  if (v.symbol === undefined) {
    throw new UsageError(`${source}: an ITCH file needs its security: ${source}:SYM or --symbol`);
  }
  return itchRealism(source, v.symbol, real);
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function figureText(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

function reportText(a: string, b: string, figures: FigureDistance[]): string {
  const flagged = figures.filter((f) => f.flagged).length;
  return [
    `A: ${a}`,
    `B: ${b}`,
    table([
      ["figure", "A", "B", "distance", ""],
      ...figures.map((f) => [
        f.name,
        figureText(f.a),
        figureText(f.b),
        `${f.measure} ${f.distance.toFixed(4)}`,
        f.flagged ? "*" : "",
      ]),
    ]),
    `${flagged} of ${figures.length} figures differ beyond their threshold`,
  ].join("\n");
}
