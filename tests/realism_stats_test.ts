/**
 * The statistical acceptance of `--realism`: on 20 generated days (fixed seed, so the figures are
 * always the same), 1-minute mid returns have heavy tails and volatility clustering and no
 * autocorrelation of their own, arrivals are bursty, the day is U-shaped, and order sizes follow
 * the law asked for. The reference model, on the same measures, has none of it.
 */
import assert from "node:assert/strict";
import { newRecord } from "../src/core/events.ts";
import { Session } from "../src/model/session.ts";
import { sizeCdf } from "../src/model/order_sizes.ts";
import type { SizeDistribution } from "../src/model/order_sizes.ts";
import { OrderSizes } from "../src/model/order_sizes.ts";
import { OrderChangeKind, OrderFlow } from "../src/export/order_flow.ts";
import { SessionSampler } from "../src/analysis/session_sample.ts";
import { stylizedFacts } from "../src/analysis/stylized_facts.ts";
import type { SessionSample, StylizedFacts } from "../src/analysis/stylized_facts.ts";
import { runConfigFromArgs } from "../src/cli/run_options.ts";
import {
  createModel,
  daySeconds,
  fileHeader,
  sessionConfig,
  sessionSeed,
} from "../src/run/config.ts";
import type { RunConfig } from "../src/run/config.ts";
import { tradingDates } from "../src/run/calendar.ts";

/** Generates the run's days of its first security as `qrsdp run` would, sampling each. */
function generate(cfg: RunConfig, onRecord?: (day: number, flow: OrderFlow | null) => void) {
  const samples: SessionSample[] = [];
  const dates = tradingDates(cfg.session.startDate, cfg.session.calendar);
  let p0 = cfg.securities[0].p0Ticks;
  for (let day = 0; day < cfg.session.days; day++) {
    const date = dates()!;
    const seed = sessionSeed(cfg, 0, day);
    const seconds = daySeconds(cfg, date);
    const session = new Session(sessionConfig(cfg, seed, p0, seconds), createModel(cfg));
    const header = fileHeader(cfg, seed, p0, seconds);
    const sampler = new SessionSampler(header);
    const flow = day === 0 && cfg.model.sizes
      ? new OrderFlow(header, new OrderSizes(cfg.model.sizes, seed))
      : null;
    flow?.opening(header.marketOpenNs);
    const rec = newRecord();
    while (session.next(rec)) {
      sampler.push(rec);
      if (flow) {
        flow.apply(rec);
        onRecord?.(day, flow);
      }
    }
    samples.push(sampler.sample());
    p0 = session.book.closePrice();
  }
  return stylizedFacts(samples);
}

function describe(f: StylizedFacts): string {
  return JSON.stringify(f, (_k, v) => typeof v === "number" ? +v.toFixed(3) : v);
}

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;

Deno.test("--realism: heavy tails, volatility clustering, bursts, the U-shape, sizes (20 days)", async () => {
  const cfg = await runConfigFromArgs(["--realism", "--days", "20"]);
  const shares: number[] = [];
  const facts = generate(cfg, (_day, flow) => {
    for (const c of flow!.changes.slice(0, flow!.count)) {
      if (c.kind === OrderChangeKind.ADD) shares.push(c.shares);
    }
  });
  const text = describe(facts);
  assert.ok(facts.excessKurtosis >= 3, `excess kurtosis: ${text}`);
  assert.ok(facts.absAcf.every((a) => a >= 0.05), `ACF of |r|: ${text}`);
  assert.ok(mean(facts.absAcf) >= 0.1, `mean ACF of |r|: ${text}`);
  assert.ok(facts.acf.slice(1).every((a) => Math.abs(a) <= 0.05), `ACF of r, lags 2-10: ${text}`);
  assert.ok(facts.interArrivalCv >= 1.5, `inter-arrival CV: ${text}`);
  assert.ok(facts.openRatio >= 2 && facts.closeRatio >= 2, `open and close vs midday: ${text}`);

  // The orders' sizes, as the exports give them, pass the Kolmogorov-Smirnov test of their law.
  const law = cfg.model.sizes as SizeDistribution;
  const sorted = shares.sort((a, b) => a - b);
  let ks = 0;
  for (let i = 0; i < sorted.length;) {
    const v = sorted[i];
    ks = Math.max(ks, Math.abs(i / sorted.length - sizeCdf(law, v - 1)));
    while (i < sorted.length && sorted[i] === v) i++;
    ks = Math.max(ks, Math.abs(i / sorted.length - sizeCdf(law, v)));
  }
  assert.ok(sorted.length > 100_000);
  assert.ok(ks < 1.63 / Math.sqrt(sorted.length), `KS distance ${ks} over ${sorted.length} sizes`);
  console.log(`--realism, 20 days: ${text}; sizes KS ${ks.toFixed(5)} (n ${sorted.length})`);
});

Deno.test("the reference model has none of these (3 days)", async () => {
  const facts = generate(await runConfigFromArgs(["--days", "3"]));
  const text = describe(facts);
  assert.ok(Math.abs(facts.excessKurtosis) < 1, text);
  assert.ok(mean(facts.absAcf) < 0.05, text);
  assert.ok(facts.interArrivalCv < 1.1, text);
  assert.ok(Math.abs(facts.openRatio - 1) < 0.1 && Math.abs(facts.closeRatio - 1) < 0.1, text);
  console.log(`reference model, 3 days: ${text}`);
});
