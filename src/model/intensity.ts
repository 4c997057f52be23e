import type { Book } from "../book/book.ts";
import type { Mt19937_64 } from "./rng.ts";

/** An intensity model: rates from the book, then the event type (and, for some, a level). */
export interface IntensityModel {
  /** Total event rate for the book as it stands; must be called before `sampleType`. */
  totalRate(book: Book): number;
  /** Draws the next event type. Returns the type; `levelHint` is the level or -1. */
  sampleType(rng: Mt19937_64): number;
  readonly levelHint: number;
}

export const RATE_FLOOR = 1e-9;

/** Spread factors of model.md §3: adds grow and executions shrink as the spread widens. */
export function spreadMultipliers(spreadSens: number, spreadTicks: number): [number, number] {
  if (!(spreadSens > 0)) return [1, 1];
  return [Math.exp(spreadSens * (spreadTicks - 2)), Math.exp(-spreadSens * (spreadTicks - 2))];
}
