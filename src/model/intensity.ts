import type { Book } from "../book/book.ts";
import type { Mt19937_64 } from "../core/rng.ts";

/** An intensity model: rates from the book, then the event type (and, for some, a level). */
export interface IntensityModel {
  /** Total event rate for the book as it stands; must be called before `sampleType`. */
  totalRate(book: Book): number;
  /** Draws the next event type. Returns the type; `levelHint` is the level or -1. */
  sampleType(rng: Mt19937_64): number;
  readonly levelHint: number;
}

export const RATE_FLOOR = 1e-9;

/**
 * Spread factors of model.md §3: adds grow and executions shrink as the spread widens. Kept
 * per spread, since the spread changes far less often than events happen.
 */
export class SpreadFactors {
  add = 1;
  exec = 1;
  private spread = Number.NaN;

  constructor(private readonly sens: number) {}

  update(spreadTicks: number): void {
    if (spreadTicks === this.spread) return;
    this.spread = spreadTicks;
    if (this.sens > 0) {
      this.add = Math.exp(this.sens * (spreadTicks - 2));
      this.exec = Math.exp(-this.sens * (spreadTicks - 2));
    }
  }
}
