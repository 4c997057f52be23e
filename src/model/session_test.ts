import assert from "node:assert/strict";
import { Book } from "../book/book.ts";
import { EventType, newRecord, Side } from "../core/events.ts";
import type { EventRecord } from "../core/events.ts";
import { Mt19937_64 } from "../core/rng.ts";
import { HlrModel } from "./hlr.ts";
import { defaultHlrCurves } from "./hlr_curves.ts";
import type { IntensityModel } from "./intensity.ts";
import { Session } from "./session.ts";
import type { SessionConfig } from "./session.ts";
import { SIMPLE_DEFAULTS, SimpleImbalanceModel } from "./simple.ts";

/**
 * model.md §4-5 spelled out draw by draw, as a plain loop: the session must make the same draws
 * in the same order. Where they part, the test names the event.
 */
function* reference(cfg: SessionConfig, model: IntensityModel): Generator<EventRecord> {
  const rng = new Mt19937_64(cfg.seed);
  const book = new Book(cfg.levelsPerSide, cfg.initialDepth);
  book.seed(cfg.p0Ticks, cfg.initialSpreadTicks);
  const k = book.levels;
  const draw = (weights: number[]): number => {
    const total = weights.reduce((a, b) => a + b, 0);
    const u = rng.uniform();
    let cum = 0;
    for (let i = 0; i < weights.length; i++) {
      cum += weights[i];
      if (u < cum / total) return i;
    }
    return weights.length - 1;
  };
  const addLevel = () => k === 1 ? 0 : draw([...Array(k)].map((_, i) => Math.exp(-0.5 * i)));
  const depthLevel = (depths: Int32Array) => depths.every((d) => d === 0) ? 0 : draw([...depths]);
  let t = 0;
  let orderId = 1;
  for (;;) {
    const lambda = model.totalRate(book);
    let dt = 1e9;
    if (lambda > 0 && Number.isFinite(lambda)) {
      let u = rng.uniform();
      if (u <= 0 || u >= 1 || u < 1e-10) u = 1e-10;
      dt = -Math.log(u) / lambda;
    }
    t += dt;
    if (t >= cfg.sessionSeconds) return;
    const type = model.sampleType(rng);
    const hint = Math.min(model.levelHint, k - 1);
    const bid = book.bidPrice[0], ask = book.askPrice[0], spread = ask - bid;
    const improves = () => spread > 1 && rng.uniform() < Math.min(1, (spread - 1) * 0.5);
    let side: number, price: number;
    if (type === EventType.ADD_BID) {
      side = Side.BID;
      price = improves() ? bid + 1 : book.bidPrice[hint >= 0 ? hint : addLevel()];
    } else if (type === EventType.ADD_ASK) {
      side = Side.ASK;
      price = improves() ? ask - 1 : book.askPrice[hint >= 0 ? hint : addLevel()];
    } else if (type === EventType.CANCEL_BID) {
      side = Side.BID;
      price = book.bidPrice[hint >= 0 ? hint : depthLevel(book.bidDepth)];
    } else if (type === EventType.CANCEL_ASK) {
      side = Side.ASK;
      price = book.askPrice[hint >= 0 ? hint : depthLevel(book.askDepth)];
    } else if (type === EventType.EXECUTE_BUY) {
      side = Side.ASK;
      price = ask;
    } else {
      side = Side.BID;
      price = bid;
    }
    const rec = {
      tsNs: cfg.marketOpenNs + Math.trunc(t * 1e9),
      type,
      side,
      priceTicks: price,
      qty: 1,
      orderId: orderId++,
    };
    book.apply(type, price, 1);
    const moved = book.bidPrice[0] !== bid || book.askPrice[0] !== ask;
    if (cfg.thetaReinit > 0 && moved && rng.uniform() < cfg.thetaReinit) {
      book.reinitialise(rng, cfg.reinitDepthMean);
    }
    yield rec;
  }
}

function config(overrides: Partial<SessionConfig>): SessionConfig {
  return {
    seed: 42n,
    p0Ticks: 10000,
    levelsPerSide: 5,
    initialSpreadTicks: 2,
    initialDepth: 5,
    sessionSeconds: 60,
    marketOpenNs: 34200e9,
    thetaReinit: 0,
    reinitDepthMean: 10,
    ...overrides,
  };
}

function compare(cfg: SessionConfig, model: () => IntensityModel): number {
  const session = new Session(cfg, model());
  const expected = reference(cfg, model());
  const rec = newRecord();
  let n = 0;
  while (session.next(rec)) {
    const want = expected.next();
    assert.ok(!want.done, `event ${n + 1}: the reference session has already ended`);
    assert.deepEqual(rec, want.value, `event ${n + 1} differs`);
    n++;
  }
  assert.ok(expected.next().done, `the session ended after ${n} events, the reference did not`);
  return n;
}

const simple = () => new SimpleImbalanceModel(SIMPLE_DEFAULTS);

Deno.test("simple model: the session makes model.md's draws in model.md's order", () => {
  assert.ok(compare(config({}), simple) > 3000);
});

Deno.test("with theta_reinit: the reinitialisation draw follows each price change", () => {
  assert.ok(compare(config({ seed: 5n, thetaReinit: 0.3, reinitDepthMean: 4 }), simple) > 3000);
});

Deno.test("one level and a wide opening spread: no level draws, improvement draws", () => {
  assert.ok(compare(config({ seed: 9n, levelsPerSide: 1, initialSpreadTicks: 6 }), simple) > 3000);
});

Deno.test("hlr model: level hints replace the level draws", () => {
  const hlr = () => new HlrModel(defaultHlrCurves(3), 3);
  assert.ok(compare(config({ seed: 11n, levelsPerSide: 3 }), hlr) > 1000);
});

Deno.test("a session is its seed: same seed, same events; next seed, other events", () => {
  const run = (seed: number) => {
    const s = new Session(config({ seed: BigInt(seed), sessionSeconds: 5 }), simple());
    const out: EventRecord[] = [];
    const rec = newRecord();
    while (s.next(rec)) out.push({ ...rec });
    return out;
  };
  assert.deepEqual(run(1), run(1));
  assert.notDeepEqual(run(1), run(2));
});
