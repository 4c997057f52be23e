import { calibrateItch } from "../calibrate/itch_calibrate.ts";
import { calibrateLobster, lobsterPairs } from "../calibrate/lobster_calibrate.ts";
import type { QueueUnit, RealCalibration, RealSettings } from "../calibrate/real_calibrate.ts";
import { UsageError } from "../core/errors.ts";
import { isSymbol } from "../core/symbol.ts";
import { thousands } from "./format.ts";

/** The flags of calibrate that real-data inputs use. */
export interface RealFlags {
  levels?: number;
  "n-max": number;
  tick?: number;
  unit: string;
  lot?: number;
  "spread-sens"?: number;
  "imbalance-sens"?: number;
  compat: boolean;
  lobster: boolean;
  itch?: string;
  symbol?: string;
  output: string;
}

/** One curves file to write: where, its text, and the summary lines. */
export interface CurvesOutput {
  path: string;
  json: string;
  summary: string;
}

function settingsOf(v: RealFlags): RealSettings {
  if (v.compat) throw new UsageError("--compat reads .qrsdp logs only, not --lobster or --itch");
  if (v.unit === "lots" && v.lot === undefined) throw new UsageError("--unit lots needs --lot");
  if (v.lot !== undefined && v.unit !== "lots") throw new UsageError("--lot goes with --unit lots");
  return {
    levels: v.levels ?? 5,
    nMax: v["n-max"],
    tick: v.tick ?? null,
    unit: v.unit as QueueUnit,
    lot: v.lot ?? 1,
    // Estimated unless given; the imbalance's effect stays averaged into the curves.
    spreadSensitivity: v["spread-sens"] ?? null,
    imbalanceSensitivity: v["imbalance-sens"] ?? 0,
  };
}

function summaryOf(result: RealCalibration, unit: string, what: string): string {
  return [
    `${what}: ${thousands(result.messages)} messages, ${thousands(result.events)} events, ` +
    `${thousands(result.sojourns)} sojourns; K=${result.levels}, n_max=${result.nMax}, ` +
    `tick ${result.tick}, unit ${unit}, spread sensitivity ${result.spreadSensitivity}`,
    `average event size per level (shares): ${result.aes.map((a) => a.toFixed(1)).join(" ")}`,
    `levels that can be trusted: ${result.trustedLevels} of ${result.levels}` +
    (result.trustedLevels < result.levels
      ? " (deeper ones were not always in view, or began before the file)"
      : ""),
  ].join("\n");
}

/** calibrate --lobster or --itch: the curves files to write (none is written here). */
export async function calibrateRealInputs(
  positionals: string[],
  v: RealFlags,
  workerUrl?: string | URL,
): Promise<CurvesOutput[]> {
  const settings = settingsOf(v);
  if (v.lobster) {
    if (v.itch !== undefined) throw new UsageError("--lobster and --itch exclude each other");
    if (v.symbol !== undefined) throw new UsageError("--symbol goes with --itch");
    const result = await calibrateLobster(lobsterPairs(positionals), settings, workerUrl);
    return [{ path: v.output, json: result.json, summary: summaryOf(result, v.unit, "LOBSTER") }];
  }
  if (positionals.length > 0) throw new UsageError("--itch takes its file as its value, not more");
  if (v.symbol === undefined) throw new UsageError("--itch needs --symbol SYM[,SYM...]");
  const symbols = v.symbol.split(",");
  for (const s of symbols) {
    if (!isSymbol(s)) throw new UsageError(`--symbol: '${s}' is not a symbol`);
  }
  if (new Set(symbols).size !== symbols.length) throw new UsageError("--symbol: a symbol twice");
  if (symbols.length > 1 && v.output === "-") {
    throw new UsageError("--output -: one symbol only (several write DIR/SYMBOL.json)");
  }
  const results = await calibrateItch(v.itch!, symbols, settings);
  return symbols.map((symbol) => {
    const result = results.get(symbol)!;
    return {
      path: symbols.length === 1 ? v.output : `${v.output.replace(/\/+$/, "")}/${symbol}.json`,
      json: result.json,
      summary: summaryOf(result, v.unit, symbol),
    };
  });
}
