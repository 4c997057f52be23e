import { formatG } from "./format_g.ts";
import type { CurveTables } from "./sojourns.ts";

export interface CurvesFile {
  levels: number;
  nMax: number;
  spreadSensitivity: number;
  imbalanceSensitivity: number;
  tables: CurveTables;
}

/**
 * The curves file in the C++ reference implementation's exact layout (calibration.md §5): numbers as C's
 * `%g`, one line per level, and an empty table printed as `[0]`.
 */
export function curvesJson(c: CurvesFile): string {
  const row = (t: Float64Array) => t.length === 0 ? "[0]" : `[${Array.from(t, formatG).join(",")}]`;
  const perLevel = (key: string, tables: Float64Array[]) =>
    `  "${key}": [\n${tables.map((t) => `    ${row(t)}`).join(",\n")}\n  ],\n`;
  const t = c.tables;
  return "{\n" +
    `  "K": ${c.levels},\n` +
    `  "n_max": ${c.nMax},\n` +
    `  "spread_sensitivity": ${formatG(c.spreadSensitivity)},\n` +
    `  "imbalance_sensitivity": ${formatG(c.imbalanceSensitivity)},\n` +
    perLevel("lambda_L_bid", t.addBid) +
    perLevel("lambda_L_ask", t.addAsk) +
    perLevel("lambda_C_bid", t.cancelBid) +
    perLevel("lambda_C_ask", t.cancelAsk) +
    `  "lambda_M_buy": ${row(t.marketBuy)},\n` +
    `  "lambda_M_sell": ${row(t.marketSell)}\n` +
    "}\n";
}
