/**
 * Round trip: generate with known HLR curves (spread and imbalance sensitivity 0, so each rate
 * depends on its own queue's size only), calibrate, and compare every entry backed by at least
 * MIN_SOJOURNS sojourns with the true value, in standard errors of a Poisson rate
 * (lambda / sqrt(count)). The seed is fixed, so the figures never change from run to run.
 */
import assert from "node:assert/strict";
import { calibrate, expandInputs } from "../src/calibrate/calibrate.ts";
import type { Calibration } from "../src/calibrate/calibrate.ts";
import { curvesJson } from "../src/calibrate/curves_json.ts";
import { ASK, BID } from "../src/calibrate/sojourns.ts";
import { defaultHlrCurves } from "../src/model/hlr_curves.ts";
import { runCli, tempDir } from "./helpers.ts";

const MIN_SOJOURNS = 1000;
const LEVELS = 5;

interface Deviation {
  table: string;
  n: number;
  count: number;
  truth: number;
  estimate: number;
  /** (estimate - truth) / (truth / sqrt(count)) */
  z: number;
}

/** Every entry with enough sojourns and a non-zero true value, estimate against truth. */
function deviations(result: Calibration, truthText: string): Deviation[] {
  const truth = JSON.parse(truthText), estimate = JSON.parse(result.json);
  const out: Deviation[] = [];
  const compare = (table: string, t: number[], e: number[], side: number, level: number) => {
    t.forEach((v, n) => {
      const count = result.cells.count(side, level, n);
      if (count < MIN_SOJOURNS || v === 0) return;
      out.push({ table, n, count, truth: v, estimate: e[n], z: (e[n] - v) * Math.sqrt(count) / v });
    });
  };
  for (let i = 0; i < LEVELS; i++) {
    compare(`L_bid[${i}]`, truth.lambda_L_bid[i], estimate.lambda_L_bid[i], BID, i);
    compare(`L_ask[${i}]`, truth.lambda_L_ask[i], estimate.lambda_L_ask[i], ASK, i);
    compare(`C_bid[${i}]`, truth.lambda_C_bid[i], estimate.lambda_C_bid[i], BID, i);
    compare(`C_ask[${i}]`, truth.lambda_C_ask[i], estimate.lambda_C_ask[i], ASK, i);
  }
  compare("M_buy", truth.lambda_M_buy, estimate.lambda_M_buy, ASK, 0);
  compare("M_sell", truth.lambda_M_sell, estimate.lambda_M_sell, BID, 0);
  return out;
}

function trueCurves(): string {
  const c = defaultHlrCurves(LEVELS);
  return curvesJson({
    levels: LEVELS,
    nMax: 100,
    spreadSensitivity: 0,
    imbalanceSensitivity: 0,
    tables: c,
  });
}

const worst = (ds: Deviation[]) => Math.max(...ds.map((d) => Math.abs(d.z)));

Deno.test("round trip: calibrating three generated days recovers the curves they were made with", async () => {
  const dir = tempDir("round_trip");
  try {
    await roundTrip(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

async function roundTrip(dir: string): Promise<void> {
  const truth = trueCurves();
  Deno.writeTextFileSync(`${dir}/truth.json`, truth);
  const run = await runCli([
    "run",
    "--seed",
    "21",
    "--days",
    "3",
    "--hlr-curves",
    `${dir}/truth.json`,
    "--output",
    `${dir}/run`,
    "--quiet",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const files = expandInputs([`${dir}/run`]);
  const settings = {
    files,
    levels: null,
    nMax: 100,
    spreadSensitivity: 0,
    imbalanceSensitivity: 0,
    compat: false,
  };

  // With the censored time at risk counted, cancels and executions come back within 7 standard
  // errors (worst 6.3, over 198 entries). Adds are off by a few per cent more: an add that
  // improves the spread lands at level 0 whatever level the model drew it for.
  const censored = deviations(calibrate({ ...settings, censored: true }, () => {}), truth);
  const cancelsAndExecutions = censored.filter((d) => !d.table.startsWith("L"));
  assert.ok(cancelsAndExecutions.length > 150);
  assert.ok(worst(cancelsAndExecutions) < 7, JSON.stringify(cancelsAndExecutions));
  for (const d of censored.filter((d) => d.table.startsWith("L"))) {
    const bound = 7 / Math.sqrt(d.count) + 0.1;
    assert.ok(Math.abs(d.estimate / d.truth - 1) < bound, JSON.stringify(d));
  }

  // The established estimator drops the time a queue spent at its size before a price change
  // re-started its clock, so it overestimates: cancels at levels 1-4 by 5 to 35 per cent.
  const dropped = deviations(calibrate({ ...settings, censored: false }, () => {}), truth);
  const deepCancels = dropped.filter((d) => /^C_...\[[1-4]\]/.test(d.table));
  assert.ok(deepCancels.length > 100);
  for (const d of deepCancels) assert.ok(d.z > 0 && d.estimate / d.truth < 1.4, JSON.stringify(d));
  assert.ok(worst(dropped) > 30);
}
