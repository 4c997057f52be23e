import assert from "node:assert/strict";
import { curvesJson } from "./curves_json.ts";

const t = (...v: number[]) => Float64Array.from(v);

Deno.test("the curves file layout: %g numbers, one line per level, [0] for an empty table", () => {
  const text = curvesJson({
    levels: 2,
    nMax: 1,
    spreadSensitivity: 0.55,
    imbalanceSensitivity: 1,
    tables: {
      addBid: [t(0, 4 / 3), t(1e-5, 123456.5)],
      addAsk: [t(), t()],
      cancelBid: [t(0, 0), t(0, 0)],
      cancelAsk: [t(0, 0), t(0, 0)],
      marketBuy: t(2 / 3, 1e6),
      marketSell: t(),
    },
  });
  assert.equal(
    text,
    `{
  "K": 2,
  "n_max": 1,
  "spread_sensitivity": 0.55,
  "imbalance_sensitivity": 1,
  "lambda_L_bid": [
    [0,1.33333],
    [1e-05,123456]
  ],
  "lambda_L_ask": [
    [0],
    [0]
  ],
  "lambda_C_bid": [
    [0,0],
    [0,0]
  ],
  "lambda_C_ask": [
    [0,0],
    [0,0]
  ],
  "lambda_M_buy": [0.666667,1e+06],
  "lambda_M_sell": [0]
}
`,
  );
});
