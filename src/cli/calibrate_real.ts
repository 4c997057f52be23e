import { calibrateLobster, lobsterPairs } from "../calibrate/lobster_calibrate.ts";
import type { QueueUnit, RealCalibration } from "../calibrate/real_calibrate.ts";
import { UsageError } from "../core/errors.ts";
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
}

/** calibrate --lobster: the curves file's text and the summary lines. */
export function calibrateLobsterInputs(
  inputs: string[],
  v: RealFlags,
): { json: string; summary: string; result: RealCalibration } {
  if (v.compat) throw new UsageError("--compat reads .qrsdp logs only, not --lobster");
  if (v.unit === "lots" && v.lot === undefined) throw new UsageError("--unit lots needs --lot");
  if (v.lot !== undefined && v.unit !== "lots") throw new UsageError("--lot goes with --unit lots");
  const result = calibrateLobster(lobsterPairs(inputs), {
    levels: v.levels ?? 5,
    nMax: v["n-max"],
    tick: v.tick ?? null,
    unit: v.unit as QueueUnit,
    lot: v.lot ?? 1,
    // The curves are averages over the spreads and imbalances seen: no further multiplier unless
    // asked for.
    spreadSensitivity: v["spread-sens"] ?? 0,
    imbalanceSensitivity: v["imbalance-sens"] ?? 0,
  });
  const summary = [
    `${thousands(result.messages)} messages, ${thousands(result.events)} events, ` +
    `${thousands(result.sojourns)} sojourns; K=${result.levels}, n_max=${result.nMax}, ` +
    `tick ${result.tick}, unit ${v.unit}`,
    `average event size per level (shares): ${result.aes.map((a) => a.toFixed(1)).join(" ")}`,
    `levels that can be trusted: ${result.trustedLevels} of ${result.levels}` +
    (result.trustedLevels < result.levels
      ? " (deeper ones were not always in view, or began before the file)"
      : ""),
  ].join("\n");
  return { json: result.json, summary, result };
}
