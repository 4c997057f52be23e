import type { Book } from "../book/book.ts";
import type { IntensityModel } from "./intensity.ts";
import { SpreadFactors } from "./intensity.ts";
import type { Mt19937_64 } from "./rng.ts";
import type { HlrCurves } from "./hlr_curves.ts";
import { EventType } from "../format/record.ts";

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

  constructor(private readonly curves: HlrCurves, levels: number) {
    this.factors = new SpreadFactors(curves.spreadSensitivity);
    this.k = levels;
    this.weights = new Float64Array(4 * levels + 2);
  }

  totalRate(book: Book): number {
    const k = this.k, w = this.weights, c = this.curves;
    const spread = book.askPrice[0] - book.bidPrice[0];
    this.factors.update(spread);
    const addMult = this.factors.add, execMult = this.factors.exec;
    let addBid = 0, addAsk = 0, cancelBid = 0, cancelAsk = 0, tb = 0, ta = 0;
    for (let i = 0; i < k; i++) {
      const nb = book.bidDepth[i], na = book.askDepth[i];
      const lb = curveValue(c.addBid[i], nb) * addMult;
      const la = curveValue(c.addAsk[i], na) * addMult;
      const cb = curveValue(c.cancelBid[i], nb);
      const ca = curveValue(c.cancelAsk[i], na);
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
      buyBoost = 1 + c.imbalanceSensitivity * Math.max(-imb, 0);
      sellBoost = 1 + c.imbalanceSensitivity * Math.max(imb, 0);
    }
    const execBuy = curveValue(c.marketBuy, book.askDepth[0]) * execMult * buyBoost;
    const execSell = curveValue(c.marketSell, book.bidDepth[0]) * execMult * sellBoost;
    w[4 * k] = execBuy;
    w[4 * k + 1] = execSell;
    return Math.max(addBid, AGGREGATE_FLOOR) + Math.max(addAsk, AGGREGATE_FLOOR) +
      Math.max(cancelBid, AGGREGATE_FLOOR) + Math.max(cancelAsk, AGGREGATE_FLOOR) +
      Math.max(execBuy, AGGREGATE_FLOOR) + Math.max(execSell, AGGREGATE_FLOOR);
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
