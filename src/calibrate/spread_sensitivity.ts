import { EventType } from "../core/events.ts";
import { SPREAD_BUCKETS } from "./queue_estimator.ts";
import { ASK, BID, curveTables } from "./sojourns.ts";
import type { CurveTables, SojournCells } from "./sojourns.ts";

/** The spread sensitivities tried, 0 to MAX in steps of STEP. */
const MAX = 3;
const STEP = 0.005;

/**
 * The HLR model's spread multiplier: adds at every level are scaled by exp(s (spread - 2)) and
 * market orders by exp(-s (spread - 2)) (model.md §3); `sign` is +1 for adds, -1 for markets.
 */
function multiplier(s: number, sign: number, spread: number): number {
  return s > 0 ? Math.exp(sign * s * (spread - 2)) : 1;
}

/** One table's data by spread: per queue size, per spread bucket, the time and the events of a type. */
interface Table {
  side: number;
  level: number;
  type: number;
  sign: number;
}

function tablesOf(levels: number): Table[] {
  const out: Table[] = [];
  for (let level = 0; level < levels; level++) {
    out.push({ side: BID, level, type: EventType.ADD_BID, sign: 1 });
    out.push({ side: ASK, level, type: EventType.ADD_ASK, sign: 1 });
  }
  out.push({ side: ASK, level: 0, type: EventType.EXECUTE_BUY, sign: -1 });
  out.push({ side: BID, level: 0, type: EventType.EXECUTE_SELL, sign: -1 });
  return out;
}

/** Sums over queue sizes of one table: time and events per spread bucket, by size. */
function bucketsOf(bySpread: SojournCells, t: Table, n: number) {
  const time = new Float64Array(SPREAD_BUCKETS), events = new Float64Array(SPREAD_BUCKETS);
  for (let b = 0; b < SPREAD_BUCKETS; b++) {
    const level = t.level * SPREAD_BUCKETS + b;
    time[b] = bySpread.time(t.side, level, n);
    events[b] = bySpread.countOf(t.side, level, n, t.type);
  }
  return { time, events };
}

/**
 * The spread sensitivity that best explains the adds and market orders, by maximum likelihood:
 * each rate is a base curve of the queue size times the model's spread multiplier, the base
 * curve's value at each size estimated for each candidate sensitivity (its profile likelihood).
 * `bySpread` holds the sojourns filed by spread bucket (QueueEstimator's `bySpread`).
 */
export function estimateSpreadSensitivity(bySpread: SojournCells, levels: number): number {
  const data: { time: Float64Array; events: Float64Array; sign: number; total: number }[] = [];
  for (const t of tablesOf(levels)) {
    for (let n = 0; n < bySpread.sizeLimit; n++) {
      const d = bucketsOf(bySpread, t, n);
      const total = d.events.reduce((a, b) => a + b, 0);
      if (total > 0) data.push({ ...d, sign: t.sign, total });
    }
  }
  let best = 0, bestLikelihood = -Infinity;
  for (let i = 0; i * STEP <= MAX; i++) {
    const s = i * STEP;
    let likelihood = 0;
    for (const d of data) {
      let exposure = 0, tilt = 0;
      for (let b = 1; b < SPREAD_BUCKETS; b++) {
        const m = multiplier(s, d.sign, b);
        exposure += d.time[b] * m;
        tilt += d.events[b] * Math.log(m);
      }
      if (exposure > 0) likelihood += d.total * Math.log(d.total / exposure) + tilt;
    }
    if (likelihood > bestLikelihood) {
      bestLikelihood = likelihood;
      best = s;
    }
  }
  return Math.round(best * 1000) / 1000;
}

/**
 * The curve tables with the spread multiplier taken out of the adds and market orders (their
 * time at risk weighted by the multiplier of the spread it was spent at), so that the model,
 * which applies the multiplier, gets the source's rates back; cancels are as estimated.
 */
export function tablesWithoutSpread(
  cells: SojournCells,
  bySpread: SojournCells,
  s: number,
  nMax: number,
): CurveTables {
  const tables = curveTables(cells, nMax);
  if (s === 0) return tables;
  const size = Math.max(nMax + 1, 0);
  const weighted = (t: Table) => {
    const out = new Float64Array(size);
    for (let n = 0; n < size; n++) {
      const d = bucketsOf(bySpread, t, n);
      let exposure = 0, events = 0;
      for (let b = 0; b < SPREAD_BUCKETS; b++) {
        exposure += d.time[b] * multiplier(s, t.sign, Math.max(b, 1));
        events += d.events[b];
      }
      const rate = exposure > 0 ? events / exposure : 0;
      out[n] = rate > 0 && rate < 1e-12 ? 1e-12 : rate;
    }
    return out;
  };
  for (let level = 0; level < cells.levels; level++) {
    tables.addBid[level] = weighted({ side: BID, level, type: EventType.ADD_BID, sign: 1 });
    tables.addAsk[level] = weighted({ side: ASK, level, type: EventType.ADD_ASK, sign: 1 });
  }
  tables.marketBuy = weighted({ side: ASK, level: 0, type: EventType.EXECUTE_BUY, sign: -1 });
  tables.marketSell = weighted({ side: BID, level: 0, type: EventType.EXECUTE_SELL, sign: -1 });
  return tables;
}
