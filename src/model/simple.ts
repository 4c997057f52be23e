import type { Book } from "../book/book.ts";
import type { IntensityModel } from "./intensity.ts";
import { RATE_FLOOR, SpreadFactors } from "./intensity.ts";
import type { Mt19937_64 } from "../core/rng.ts";
import { EventType } from "../core/events.ts";

export interface SimpleParams {
  baseL: number;
  baseC: number;
  baseM: number;
  imbalanceSens: number;
  cancelSens: number;
  epsilonExec: number;
  spreadSens: number;
}

/** The values the C++ reference implementation really uses (its help text prints others). */
export const SIMPLE_DEFAULTS: SimpleParams = {
  baseL: 20,
  baseC: 0.5,
  baseM: 15,
  imbalanceSens: 1,
  cancelSens: 1,
  epsilonExec: 0.5,
  spreadSens: 0.4,
};

// Module-local copies: reading an imported binding on every call measured 20% slower over a
// whole generated day.
const FLOOR = RATE_FLOOR;
const MAX_RATE = Number.MAX_VALUE;

/** NaN, infinite or below the floor -> the floor (the comparisons are false for NaN). */
function clampRate(x: number): number {
  return x >= FLOOR && x <= MAX_RATE ? x : FLOOR;
}

/** SimpleImbalance (model.md §3): six aggregate rates driven by best-level imbalance. */
export class SimpleImbalanceModel implements IntensityModel {
  readonly levelHint = -1;
  /**
   * The six rates, then their total. Not fields of their own, and computed out of `totalRate`,
   * so that nothing in the per-event path allocates: V8 boxes a double written to a field, and
   * one returned by a call it does not inline (`rates` was too large to be), in a heap number of
   * its own: two a generated event.
   */
  private readonly rates = new Float64Array(7);
  // Copied out of the params: a config that came through postMessage (a worker's) is a
  // structured clone, and reading it in the hot path made a generated day 30 % slower.
  private readonly baseL: number;
  private readonly baseC: number;
  private readonly baseM: number;
  private readonly sI: number;
  private readonly sC: number;
  private readonly eps: number;
  private readonly factors: SpreadFactors;

  constructor(p: SimpleParams) {
    this.factors = new SpreadFactors(p.spreadSens);
    this.baseL = p.baseL;
    this.baseC = p.baseC;
    this.baseM = p.baseM;
    this.sI = p.imbalanceSens > 0 ? p.imbalanceSens : 1;
    this.sC = p.cancelSens > 0 ? p.cancelSens : 1;
    this.eps = p.epsilonExec > 0 ? p.epsilonExec : 0.05;
  }

  totalRate(book: Book): number {
    this.computeRates(book);
    return this.rates[6];
  }

  private computeRates(book: Book): void {
    const qBid = book.bidDepth[0], qAsk = book.askDepth[0];
    const spread = book.askPrice[0] - book.bidPrice[0];
    this.factors.update(spread);
    const addMult = this.factors.add, execMult = this.factors.exec;
    let imb = (qBid - qAsk) / (qBid + qAsk + 1e-9);
    if (Number.isNaN(imb)) imb = 0;
    let qb = 0, qa = 0;
    for (let k = 0; k < book.levels; k++) {
      qb += book.bidDepth[k];
      qa += book.askDepth[k];
    }
    if (qb === 0) qb = qBid;
    if (qa === 0) qa = qAsk;
    const baseL = this.baseL, baseC = this.baseC, baseM = this.baseM;
    const sI = this.sI, sC = this.sC, eps = this.eps;
    const r = this.rates;
    r[0] = clampRate(baseL * (1 - sI * imb) * addMult);
    r[1] = clampRate(baseL * (1 + sI * imb) * addMult);
    r[2] = clampRate(baseC * sC * qb);
    r[3] = clampRate(baseC * sC * qa);
    r[4] = clampRate(baseM * (eps + Math.max(-sI * imb, 0)) * execMult);
    r[5] = clampRate(baseM * (eps + Math.max(sI * imb, 0)) * execMult);
    r[6] = r[0] + r[1] + r[2] + r[3] + r[4] + r[5];
  }

  sampleType(rng: Mt19937_64): number {
    const r = this.rates;
    const total = r[6];
    if (!(total > 0) || !Number.isFinite(total)) return EventType.ADD_BID;
    const u = rng.uniform();
    let cum = 0;
    for (let i = 0; i < 6; i++) {
      cum += r[i];
      if (u < cum / total) return i;
    }
    return EventType.EXECUTE_SELL;
  }
}
