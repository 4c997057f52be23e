import { Book } from "../book/book.ts";
import { EventType, Side } from "../core/events.ts";
import type { EventRecord } from "../core/events.ts";
import type { IntensityModel } from "./intensity.ts";
import { Mt19937_64 } from "../core/rng.ts";
import { Activity } from "./activity.ts";
import type { ActivitySettings } from "./activity.ts";

export interface SessionConfig {
  seed: bigint;
  p0Ticks: number;
  levelsPerSide: number;
  initialSpreadTicks: number;
  initialDepth: number;
  sessionSeconds: number;
  marketOpenNs: number;
  thetaReinit: number;
  reinitDepthMean: number;
  /** A multiplier on every intensity by time of day and regime; null or absent: none. */
  activity?: ActivitySettings | null;
}

const ALPHA = 0.5;
const IMPROVE = 0.5;
const MIN_UNIFORM = 1e-10;
const IDLE_DT_SECONDS = 1e9;

/**
 * One trading session of one security (model.md §4-5). `next()` fills the next event and
 * returns true, or returns false once simulated time reaches the session length. The order
 * of uniform draws is the compatibility contract: do not reorder them.
 */
export class Session {
  readonly book: Book;
  private readonly rng: Mt19937_64;
  /** Simulated seconds since the open; in a typed array, since V8 boxes a double field's writes. */
  private readonly clock = new Float64Array(1);
  private orderId = 1;
  private ended = false;
  /** Cumulative weights exp(-alpha k) of the level an add lands on, without a level hint. */
  private readonly addLevelCum: Float64Array;
  private readonly activity: Activity | null;

  constructor(readonly config: SessionConfig, private readonly model: IntensityModel) {
    this.rng = new Mt19937_64(config.seed);
    this.book = new Book(config.levelsPerSide, config.initialDepth);
    this.book.seed(config.p0Ticks, config.initialSpreadTicks);
    this.activity = config.activity ? new Activity(config.activity, config.seed) : null;
    this.addLevelCum = new Float64Array(this.book.levels);
    let cum = 0;
    for (let k = 0; k < this.book.levels; k++) {
      cum += Math.exp(-ALPHA * k);
      this.addLevelCum[k] = cum;
    }
  }

  next(rec: EventRecord): boolean {
    if (this.ended) return false;
    const book = this.book, rng = this.rng;
    const lambda = this.model.totalRate(book);
    let dt = IDLE_DT_SECONDS;
    if (lambda > 0 && Number.isFinite(lambda)) {
      let u = rng.uniform();
      if (u <= 0 || u >= 1 || u < MIN_UNIFORM) u = MIN_UNIFORM;
      dt = this.activity === null
        ? -Math.log(u) / lambda
        : -Math.log(u) / (lambda * this.activity.at(this.clock[0]));
    }
    const t = this.clock[0] += dt;
    if (t >= this.config.sessionSeconds) {
      this.ended = true;
      return false;
    }

    const type = this.model.sampleType(rng);
    const hint = Math.min(this.model.levelHint, book.levels - 1);
    const bestBid = book.bidPrice[0], bestAsk = book.askPrice[0];
    const spread = bestAsk - bestBid;
    let side: number, price: number;
    switch (type) {
      case EventType.ADD_BID:
        side = Side.BID;
        price = this.improves(spread)
          ? bestBid + 1
          : book.bidPrice[hint >= 0 ? hint : this.addLevel()];
        break;
      case EventType.ADD_ASK:
        side = Side.ASK;
        price = this.improves(spread)
          ? bestAsk - 1
          : book.askPrice[hint >= 0 ? hint : this.addLevel()];
        break;
      case EventType.CANCEL_BID:
        side = Side.BID;
        price = book.bidPrice[hint >= 0 ? hint : this.depthLevel(book.bidDepth)];
        break;
      case EventType.CANCEL_ASK:
        side = Side.ASK;
        price = book.askPrice[hint >= 0 ? hint : this.depthLevel(book.askDepth)];
        break;
      case EventType.EXECUTE_BUY:
        side = Side.ASK;
        price = bestAsk;
        break;
      default:
        side = Side.BID;
        price = bestBid;
    }

    rec.tsNs = this.config.marketOpenNs + Math.trunc(t * 1e9);
    rec.type = type;
    rec.side = side;
    rec.priceTicks = price;
    rec.qty = 1;
    rec.orderId = this.orderId++;

    book.apply(type, price, 1);
    const theta = this.config.thetaReinit;
    if (theta > 0 && (book.bidPrice[0] !== bestBid || book.askPrice[0] !== bestAsk)) {
      if (rng.uniform() < theta) book.reinitialise(rng, this.config.reinitDepthMean);
    }
    return true;
  }

  /** Whether an add improves the spread by one tick; draws only when the spread allows it. */
  private improves(spread: number): boolean {
    if (spread <= 1) return false;
    return this.rng.uniform() < Math.min(1, (spread - 1) * IMPROVE);
  }

  private addLevel(): number {
    const cum = this.addLevelCum;
    if (cum.length === 1) return 0;
    const total = cum[cum.length - 1];
    const u = this.rng.uniform();
    for (let k = 0; k < cum.length; k++) if (u < cum[k] / total) return k;
    return cum.length - 1;
  }

  private depthLevel(depths: Int32Array): number {
    let total = 0;
    for (let k = 0; k < depths.length; k++) total += depths[k];
    if (total === 0) return 0;
    const u = this.rng.uniform();
    let cum = 0;
    for (let k = 0; k < depths.length; k++) {
      cum += depths[k];
      if (u < cum / total) return k;
    }
    return depths.length - 1;
  }
}
