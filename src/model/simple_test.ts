import assert from "node:assert/strict";
import { Book } from "../book/book.ts";
import { EventType } from "../core/events.ts";
import type { Mt19937_64 } from "../core/rng.ts";
import { SIMPLE_DEFAULTS, SimpleImbalanceModel } from "./simple.ts";

/** An RNG stand-in that returns the given uniforms. */
const draws = (...us: number[]) => ({ uniform: () => us.shift()! }) as unknown as Mt19937_64;

function book(bid: number[], ask: number[], spread = 2): Book {
  const b = new Book(bid.length, 1);
  b.seed(1000, spread);
  b.bidDepth.set(bid);
  b.askDepth.set(ask);
  return b;
}

Deno.test("simple model: the six rates of model.md §3 for a balanced book at spread 2", () => {
  const m = new SimpleImbalanceModel(SIMPLE_DEFAULTS);
  // I = 0, Qb = Qa = 15, addMult = execMult = 1.
  const total = m.totalRate(book([5, 5, 5], [5, 5, 5]));
  const L = 20, C = 0.5, M = 15, eps = 0.5;
  const rates = [L, L, C * 15, C * 15, M * eps, M * eps];
  assert.equal(total, rates.reduce((a, b) => a + b));
});

Deno.test("simple model: imbalance and spread move the rates as model.md says", () => {
  const m = new SimpleImbalanceModel(SIMPLE_DEFAULTS);
  const qb = 9, qa = 3;
  const I = (qb - qa) / (qb + qa + 1e-9);
  const addMult = Math.exp(0.4 * (4 - 2)), execMult = Math.exp(-0.4 * (4 - 2));
  const total = m.totalRate(book([qb, 1], [qa, 1], 4));
  const rates = [
    20 * (1 - I) * addMult,
    20 * (1 + I) * addMult,
    0.5 * (qb + 1),
    0.5 * (qa + 1),
    15 * (0.5 + Math.max(-I, 0)) * execMult,
    15 * (0.5 + Math.max(I, 0)) * execMult,
  ];
  assert.ok(Math.abs(total - rates.reduce((a, b) => a + b)) < 1e-9, `${total}`);
  // The type draw walks the rates in order: a uniform just past the first two adds and the
  // bid cancels lands on CANCEL_ASK.
  const cum = (n: number) => rates.slice(0, n).reduce((a, b) => a + b, 0) / total;
  assert.equal(m.sampleType(draws(cum(3) + 1e-9)), EventType.CANCEL_ASK);
  assert.equal(m.sampleType(draws(0)), EventType.ADD_BID);
  assert.equal(m.sampleType(draws(cum(5) - 1e-9)), EventType.EXECUTE_BUY);
  assert.equal(m.sampleType(draws(1 - 1e-16)), EventType.EXECUTE_SELL);
});

Deno.test("simple model: rates floored at 1e-9, zero parameters replaced as model.md says", () => {
  const m = new SimpleImbalanceModel({
    ...SIMPLE_DEFAULTS,
    baseL: 0,
    baseC: 0,
    baseM: 1,
    imbalanceSens: 0,
    cancelSens: 0,
    epsilonExec: 0,
    spreadSens: 0,
  });
  // sI -> 1, sC -> 1, eps -> 0.05; adds and cancels floored.
  const total = m.totalRate(book([2], [2]));
  assert.ok(Math.abs(total - (4e-9 + 2 * 0.05)) < 1e-15, `${total}`);
});
