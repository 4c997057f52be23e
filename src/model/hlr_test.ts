import assert from "node:assert/strict";
import { Book } from "../book/book.ts";
import { DataError } from "../core/errors.ts";
import { EventType } from "../core/events.ts";
import type { Mt19937_64 } from "../core/rng.ts";
import { HlrModel } from "./hlr.ts";
import { defaultHlrCurves, parseHlrCurves } from "./hlr_curves.ts";

const draws = (...us: number[]) => ({ uniform: () => us.shift()! }) as unknown as Mt19937_64;

function book(bid: number[], ask: number[]): Book {
  const b = new Book(bid.length, 1);
  b.seed(1000, 2);
  b.bidDepth.set(bid);
  b.askDepth.set(ask);
  return b;
}

Deno.test("hlr model: the default curves' total rate for a two-level book", () => {
  const m = new HlrModel(defaultHlrCurves(2), 2);
  const bid = [4, 6], ask = [2, 6];
  const add = (level: number, n: number) => level === 0 ? 15 / (1 + 0.12 * n) : 5 / (1 + 0.2 * n);
  const cancel = (n: number) => n === 0 ? 0 : 0.3 * n / (1 + 0.02 * n);
  const imb = (10 - 8) / 18;
  const expected = add(0, 4) + add(1, 6) + add(0, 2) + add(1, 6) +
    cancel(4) + cancel(6) + cancel(2) + cancel(6) +
    8 * (1 + Math.max(-imb, 0)) + 8 * (1 + Math.max(imb, 0));
  assert.ok(Math.abs(m.totalRate(book(bid, ask)) - expected) < 1e-12);
});

Deno.test("hlr model: one draw picks type and level, in the order of the weights vector", () => {
  const m = new HlrModel(defaultHlrCurves(2), 2);
  m.totalRate(book([0, 0], [0, 0])); // cancels and executions weigh 0 on an empty book
  const lb0 = 15, lb1 = 5, la0 = 15, la1 = 5, total = lb0 + lb1 + la0 + la1;
  assert.equal(m.sampleType(draws((lb0 + 1e-9) / total)), EventType.ADD_BID);
  assert.equal(m.levelHint, 1);
  assert.equal(m.sampleType(draws((lb0 + lb1 + la0 + 1e-9) / total)), EventType.ADD_ASK);
  assert.equal(m.levelHint, 1);
  m.totalRate(book([3, 3], [3, 3]));
  assert.equal(m.sampleType(draws(1 - 1e-16)), EventType.EXECUTE_SELL);
  assert.equal(m.levelHint, 0);
});

Deno.test("curves file: parsed, sanitised, and rejected with the file named", () => {
  const good = {
    K: 1,
    lambda_L_bid: [[1, -2, 1e-20]],
    lambda_L_ask: [[1]],
    lambda_C_bid: [[0, 1]],
    lambda_C_ask: [[0, 1]],
    lambda_M_buy: [0, 2],
    lambda_M_sell: [0, 2],
  };
  const c = parseHlrCurves(JSON.stringify(good), "c.json");
  assert.deepEqual([...c.addBid[0]], [1, 0, 1e-12]);
  assert.equal(c.spreadSensitivity, 0.3);
  assert.throws(
    () => parseHlrCurves(JSON.stringify({ ...good, K: 2 }), "c.json"),
    (e) =>
      e instanceof DataError && e.source === "c.json" &&
      /"lambda_L_bid" must hold 2/.test(e.message),
  );
  assert.throws(() => parseHlrCurves("{", "c.json"), /^DataError: c.json: not valid JSON/);
});
