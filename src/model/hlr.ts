import type { Book } from "../book/book.ts";
import type { IntensityModel } from "./intensity.ts";
import { SpreadFactors } from "./intensity.ts";
import type { Mt19937_64 } from "../core/rng.ts";
import type { HlrCurves } from "./hlr_curves.ts";
import { EventType } from "../core/events.ts";

const AGGREGATE_FLOOR = 1e-12;

/**
 * Queue-reactive per-level intensities after Huang, Lehalle & Rosenbaum (model.md §3):
 * 4K+2 competing events (add/cancel per level and side, market buy and sell).
 */
export class HlrModel implements IntensityModel {
  levelHint = -1;
  private readonly k: number;
  private readonly weights: Float64Array;
  private readonly factors: SpreadFactors;
  // Copied out of the curves, as SimpleImbalanceModel does with its params: a worker's config is
  // a structured clone, and reading through it made a generated day 12 % slower.
  private readonly addBid: Float64Array[];
  private readonly addAsk: Float64Array[];
  private readonly cancelBid: Float64Array[];
  private readonly cancelAsk: Float64Array[];
  private readonly marketBuy: Float64Array;
  private readonly marketSell: Float64Array;
  private readonly imbalanceSensitivity: number;
  /**
   * The total rate, computed out of `totalRate` and kept in a typed array: V8 boxes a double
   * returned by a call it does not inline (`weigh` is too large to be) in a heap number of its own.
   */
  private readonly total = new Float64Array(1);

  constructor(curves: HlrCurves, levels: number) {
    this.factors = new SpreadFactors(curves.spreadSensitivity);
    this.k = levels;
    this.weights = new Float64Array(4 * levels + 2);
    this.addBid = [...curves.addBid];
    this.addAsk = [...curves.addAsk];
    this.cancelBid = [...curves.cancelBid];
    this.cancelAsk = [...curves.cancelAsk];
    this.marketBuy = curves.marketBuy;
    this.marketSell = curves.marketSell;
    this.imbalanceSensitivity = curves.imbalanceSensitivity;
  }

  totalRate(book: Book): number {
    this.weigh(book);
    return this.total[0];
  }

  private weigh(book: Book): void {
    const k = this.k, w = this.weights;
    if (k > book.levels) return this.idle();
    const spread = book.askPrice[0] - book.bidPrice[0];
    this.factors.update(spread);
    const addMult = this.factors.add, execMult = this.factors.exec;
    let addBid = 0, addAsk = 0, cancelBid = 0, cancelAsk = 0, tb = 0, ta = 0;
    for (let i = 0; i < k; i++) {
      const nb = book.bidDepth[i], na = book.askDepth[i];
      const lb = curveValue(this.addBid[i], nb) * addMult;
      const la = curveValue(this.addAsk[i], na) * addMult;
      const cb = curveValue(this.cancelBid[i], nb);
      const ca = curveValue(this.cancelAsk[i], na);
      w[i] = lb;
      w[k + i] = la;
      w[2 * k + i] = cb;
      w[3 * k + i] = ca;
      addBid += lb;
      addAsk += la;
      cancelBid += cb;
      cancelAsk += ca;
      tb += nb;
      ta += na;
    }
    let buyBoost = 1, sellBoost = 1;
    if (tb + ta > 0) {
      const imb = (tb - ta) / (tb + ta);
      buyBoost = 1 + this.imbalanceSensitivity * Math.max(-imb, 0);
      sellBoost = 1 + this.imbalanceSensitivity * Math.max(imb, 0);
    }
    const execBuy = curveValue(this.marketBuy, book.askDepth[0]) * execMult * buyBoost;
    const execSell = curveValue(this.marketSell, book.bidDepth[0]) * execMult * sellBoost;
    w[4 * k] = execBuy;
    w[4 * k + 1] = execSell;
    this.total[0] = Math.max(addBid, AGGREGATE_FLOOR) + Math.max(addAsk, AGGREGATE_FLOOR) +
      Math.max(cancelBid, AGGREGATE_FLOOR) + Math.max(cancelAsk, AGGREGATE_FLOOR) +
      Math.max(execBuy, AGGREGATE_FLOOR) + Math.max(execSell, AGGREGATE_FLOOR);
  }

  /**
   * Curves with more levels than the book: as in the C++ reference implementation, every weight is 0
   * and every aggregate its floor, so the first time step outlasts any session.
   */
  private idle(): void {
    this.weights.fill(0);
    this.total[0] = 6 * AGGREGATE_FLOOR;
  }

  sampleType(rng: Mt19937_64): number {
    const index = this.sampleIndex(rng);
    const k = this.k;
    if (index >= 4 * k) {
      this.levelHint = 0;
      return index === 4 * k ? EventType.EXECUTE_BUY : EventType.EXECUTE_SELL;
    }
    const type = Math.floor(index / k);
    this.levelHint = index - type * k;
    return type;
  }

  private sampleIndex(rng: Mt19937_64): number {
    const w = this.weights;
    let total = 0;
    for (let i = 0; i < w.length; i++) {
      const x = w[i];
      if (Number.isFinite(x) && x > 0) total += x;
    }
    if (!(total > 0)) return 0;
    const u = rng.uniform();
    if (u <= 0 || u >= 1) return 0;
    let cum = 0;
    for (let i = 0; i < w.length; i++) {
      const x = w[i];
      if (!(Number.isFinite(x) && x > 0)) continue;
      cum += x;
      if (u < cum / total) return i;
    }
    return w.length - 1;
  }
}

function curveValue(table: Float64Array, n: number): number {
  return n < table.length ? table[n] : table[table.length - 1];
}
