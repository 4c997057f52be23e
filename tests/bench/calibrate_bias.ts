/**
 * `deno run -A tests/bench/calibrate_bias.ts`: the README's calibration tables. For each pair of
 * (spread, imbalance) sensitivities, generates three days (`--seed 21`) with the default HLR
 * curves carrying them, calibrates in the default mode and with `--censored`, and prints, per
 * family of entries with at least 1,000 sojourns, the mean deviation from the true curves
 * (weighted by sojourns) and the worst one in standard errors (lambda / sqrt(count)).
 */
import { calibrate, expandInputs } from "../../src/calibrate/calibrate.ts";
import type { Calibration } from "../../src/calibrate/calibrate.ts";
import { curvesJson } from "../../src/calibrate/curves_json.ts";
import { ASK, BID } from "../../src/calibrate/sojourns.ts";
import { defaultHlrCurves } from "../../src/model/hlr_curves.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const MIN_SOJOURNS = 1000;
const LEVELS = 5;

interface Family {
  entries: number;
  weighted: number;
  weight: number;
  worst: number;
}

function families(result: Calibration, truth: Record<string, number[] & number[][]>) {
  const estimate = JSON.parse(result.json);
  const out = new Map<string, Family>();
  const compare = (name: string, key: string, level: number | null, side: number) => {
    const t: number[] = level === null ? truth[key] : truth[key][level];
    const e: number[] = level === null ? estimate[key] : estimate[key][level];
    t.forEach((v, n) => {
      const count = result.cells.count(side, level ?? 0, n);
      if (count < MIN_SOJOURNS || v === 0) return;
      const f = out.get(name) ?? { entries: 0, weighted: 0, weight: 0, worst: 0 };
      f.entries++;
      f.weighted += (e[n] / v - 1) * count;
      f.weight += count;
      f.worst = Math.max(f.worst, Math.abs(e[n] - v) * Math.sqrt(count) / v);
      out.set(name, f);
    });
  };
  for (let i = 0; i < LEVELS; i++) {
    const where = i === 0 ? "level 0" : "levels 1-4";
    compare(`adds, ${where}`, "lambda_L_bid", i, BID);
    compare(`adds, ${where}`, "lambda_L_ask", i, ASK);
    compare(`cancels, ${where}`, "lambda_C_bid", i, BID);
    compare(`cancels, ${where}`, "lambda_C_ask", i, ASK);
  }
  compare("executions", "lambda_M_buy", null, ASK);
  compare("executions", "lambda_M_sell", null, BID);
  return out;
}

const percent = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)} %`;

for (const [spread, imbalance] of [[0, 0], [0.3, 0], [0, 1]]) {
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_bias_" });
  try {
    const c = defaultHlrCurves(LEVELS);
    const text = curvesJson({
      levels: LEVELS,
      nMax: 100,
      spreadSensitivity: spread,
      imbalanceSensitivity: imbalance,
      tables: c,
    });
    Deno.writeTextFileSync(`${dir}/truth.json`, text);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "run", "--seed", "21", "--days", "3", "--hlr-curves"]
        .concat([`${dir}/truth.json`, "--output", `${dir}/run`, "--quiet"]),
    }).output();
    if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
    for (const censored of [false, true]) {
      const result = calibrate({
        files: expandInputs([`${dir}/run`]),
        levels: null,
        nMax: 100,
        spreadSensitivity: spread,
        imbalanceSensitivity: imbalance,
        compat: false,
        censored,
      }, () => {});
      console.log(
        `spread ${spread}, imbalance ${imbalance}, ${censored ? "--censored" : "default"}: ` +
          `${result.events.toLocaleString("en-US")} events`,
      );
      for (const [name, f] of families(result, JSON.parse(text))) {
        console.log(
          `  ${name.padEnd(20)} ${String(f.entries).padStart(4)} entries, mean ` +
            `${percent(f.weighted / f.weight).padStart(9)}, worst ${f.worst.toFixed(1)} SE`,
        );
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}
