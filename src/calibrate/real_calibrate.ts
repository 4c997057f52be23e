import { UsageError } from "../core/errors.ts";
import { curvesJson } from "./curves_json.ts";
import type { SourceDescription } from "./curves_json.ts";
import { LevelView } from "./level_view.ts";
import type { ObservationSink } from "./observations.ts";
import { QueueEstimator } from "./queue_estimator.ts";
import { ShareCells } from "./share_cells.ts";
import { SPREAD_BUCKETS } from "./queue_estimator.ts";
import { estimateSpreadSensitivity, tablesWithoutSpread } from "./spread_sensitivity.ts";
import type { SojournCells } from "./sojourns.ts";

export type QueueUnit = "aes" | "lots" | "shares";

export interface RealSettings {
  levels: number;
  nMax: number;
  /** Price tick in the source's price unit, or null to infer it from the data. */
  tick: number | null;
  unit: QueueUnit;
  /** Shares per lot, for unit "lots". */
  lot: number;
  /** Written into the file; null estimates it from the data. */
  spreadSensitivity: number | null;
  imbalanceSensitivity: number;
}

/** One pass of a real-data source over all its inputs, driving the view's sinks. */
export interface PassSummary {
  messages: number;
  events: number;
  sizeSum: Float64Array;
  sizeCount: Float64Array;
  trustedLevels: number;
  firstMid: number;
  start: number;
  end: number;
}

export interface RealCalibration {
  levels: number;
  nMax: number;
  tick: number;
  messages: number;
  events: number;
  sojourns: number;
  trustedLevels: number;
  aes: number[];
  spreadSensitivity: number;
  cells: SojournCells;
  json: string;
}

/** The queue sizes per level (both sides) when each input's first sampling period begins. */
class OpeningBook {
  readonly samples: number[][];
  private seen = false;

  constructor(private readonly view: LevelView) {
    this.samples = Array.from({ length: view.levels }, () => []);
  }

  /** Only the first period of each input (a day's open, not trading after a halt). */
  nextInput(): void {
    this.seen = false;
  }

  sample(): void {
    if (this.seen) return;
    this.seen = true;
    for (let k = 0; k < this.view.levels; k++) {
      this.samples[k].push(this.view.bidDepth[k], this.view.askDepth[k]);
    }
  }

  /** Per level, the median queue size in units (samples are in shares). */
  medians(unit: Float64Array): number[] {
    return this.samples.map((s, k) => {
      if (s.length === 0) return 0;
      const sorted = s.map((shares) => Math.ceil(shares / unit[k])).sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    });
  }
}

/**
 * Calibrates from a real-data source in one pass over its inputs: the estimator files sojourns
 * by queue size in shares (the censored estimator: the time at risk a price change cuts short
 * counts too), and once the pass has measured each level's average event size, the cells are
 * regrouped by queue size in units (exact: see ShareCells). `readAll` makes the pass over every
 * input, calling `nextInput` before each.
 */
export async function calibrateReal(
  settings: RealSettings,
  tick: number,
  readAll: (view: LevelView, nextInput: () => void) => PassSummary | Promise<PassSummary>,
): Promise<RealCalibration> {
  const levels = settings.levels;
  if (settings.nMax < 0) throw new UsageError(`--n-max: ${settings.nMax} is below 0`);
  const shareCells = new ShareCells(levels);
  const sinks: ObservationSink[] = [];
  const view = new LevelView(levels, new Float64Array(levels).fill(1), sinks);
  const bySpreadShares = new ShareCells(levels * SPREAD_BUCKETS);
  const estimator = new QueueEstimator(
    shareCells,
    levels,
    view.bidDepth,
    view.askDepth,
    true,
    0,
    bySpreadShares,
    view,
  );
  const opening = new OpeningBook(view);
  sinks.push(estimator);
  view.onBegin = () => opening.sample();
  const pass = await readAll(view, () => opening.nextInput());
  const unit = settings.unit === "aes"
    ? averageEventSizes(pass)
    : new Float64Array(levels).fill(settings.unit === "lots" ? settings.lot : 1);
  const cells = shareCells.inUnits(unit);
  const bySpread = bySpreadShares.inUnits(unit, (level) => Math.floor(level / SPREAD_BUCKETS));
  const spreadSensitivity = settings.spreadSensitivity ??
    estimateSpreadSensitivity(bySpread, levels);
  const source: SourceDescription = {
    tick_size: tick,
    unit: settings.unit,
    aes: Array.from(unit),
    opening_depth: opening.medians(unit),
    p0_ticks: Math.floor(pass.firstMid),
    market_open_seconds: pass.start,
    session_seconds: pass.end - pass.start,
  };
  const json = curvesJson({
    levels,
    nMax: settings.nMax,
    spreadSensitivity,
    imbalanceSensitivity: settings.imbalanceSensitivity,
    tables: tablesWithoutSpread(cells, bySpread, spreadSensitivity, settings.nMax),
    source,
  });
  return {
    levels,
    nMax: settings.nMax,
    tick,
    messages: pass.messages,
    events: pass.events,
    sojourns: estimator.sojourns,
    trustedLevels: pass.trustedLevels,
    aes: Array.from(unit),
    spreadSensitivity,
    cells,
    json,
  };
}

/** Shares per unit at each level: for aes, a first pass measures each level's average event size. */
export async function unitsOf(
  settings: Pick<RealSettings, "levels" | "unit" | "lot">,
  readAll: (view: LevelView, nextInput: () => void) => PassSummary | Promise<PassSummary>,
): Promise<Float64Array> {
  const levels = settings.levels;
  if (settings.unit !== "aes") {
    return new Float64Array(levels).fill(settings.unit === "lots" ? settings.lot : 1);
  }
  const ones = new Float64Array(levels).fill(1);
  return averageEventSizes(await readAll(new LevelView(levels, ones, []), () => {}));
}

/** Shares per event at each level; a level without events takes the one above it (or 1). */
export function averageEventSizes(pass: PassSummary): Float64Array {
  const out = new Float64Array(pass.sizeSum.length);
  for (let k = 0; k < out.length; k++) {
    out[k] = pass.sizeCount[k] > 0 ? pass.sizeSum[k] / pass.sizeCount[k] : k > 0 ? out[k - 1] : 1;
  }
  return out;
}

/** Adds one input's pass to the running total of several. */
export function addPass(total: PassSummary | null, pass: PassSummary): PassSummary {
  if (total === null) return pass;
  for (let k = 0; k < total.sizeSum.length; k++) {
    total.sizeSum[k] += pass.sizeSum[k];
    total.sizeCount[k] += pass.sizeCount[k];
  }
  total.messages += pass.messages;
  total.events += pass.events;
  total.trustedLevels = Math.min(total.trustedLevels, pass.trustedLevels);
  return total;
}
