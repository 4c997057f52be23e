import { formatG } from "./format_g.ts";
import type { CurveTables } from "./sojourns.ts";

export interface CurvesFile {
  levels: number;
  nMax: number;
  spreadSensitivity: number;
  imbalanceSensitivity: number;
  tables: CurveTables;
  /** What `run` needs to simulate the source (not in compat mode): written after the tables. */
  source?: SourceDescription;
}

/** The source's book and session, in the model's units (see docs/calibration.md). */
export interface SourceDescription {
  /** The price tick in the source's price unit (LOBSTER: dollars x 10000; .qrsdp: its tick_size). */
  tick_size: number;
  /** The queue-size unit: aes (average event size), lots or shares; and shares per unit per level. */
  unit: string;
  aes: number[];
  /** The median queue size per level at the open, in units (both sides pooled). */
  opening_depth: number[];
  /** The first mid price, in ticks (rounded down). */
  p0_ticks: number;
  market_open_seconds: number;
  session_seconds: number;
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
    `  "lambda_M_sell": ${row(t.marketSell)}` +
    (c.source === undefined ? "" : sourceLines(c.source)) +
    "\n}\n";
}

function sourceLines(d: SourceDescription): string {
  return Object.entries(d).map(([key, value]) =>
    `,\n  "${key}": ${
      typeof value === "string"
        ? JSON.stringify(value)
        : Array.isArray(value)
        ? `[${value.map(formatG).join(",")}]`
        : formatG(value)
    }`
  ).join("");
}
