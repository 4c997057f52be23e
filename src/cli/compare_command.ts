import { expandInputs } from "../calibrate/calibrate.ts";
import { compareStats } from "../calibrate/realism_compare.ts";
import type { FigureDistance } from "../calibrate/realism_compare.ts";
import { qrsdpRealism } from "../calibrate/realism_sources.ts";
import type { RealismStats } from "../calibrate/realism_stats.ts";
import { UsageError } from "../core/errors.ts";
import { MAX_LEVELS } from "../book/book.ts";
import { table } from "./format.ts";
import { flags, parseCommand } from "./flags.ts";

const COMPARE_COMMAND = {
  name: "compare",
  maxPositionals: 2,
  summary: "the realism report of two sources side by side, with distances",
  usage: "qrsdp compare A B [flags]    (A, B: a run directory or .qrsdp file)",
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
  }),
  notes: `Figures: event rates per type and level, queue-size distributions per level (time
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
  const levels = parsed.values.levels ?? null;
  const [a, b] = parsed.positionals.map((source) => statsOf(source, levels));
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

function statsOf(source: string, levels: number | null): RealismStats {
  return qrsdpRealism(expandInputs([source]), levels);
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
