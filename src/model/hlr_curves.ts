import { MAX_LEVELS } from "../book/book.ts";
import { DataError } from "../core/errors.ts";

/** Per-level intensity tables `v[0..n_max]` of the HLR model (model.md §3). */
export interface HlrCurves {
  levels: number;
  spreadSensitivity: number;
  imbalanceSensitivity: number;
  addBid: Float64Array[];
  addAsk: Float64Array[];
  cancelBid: Float64Array[];
  cancelAsk: Float64Array[];
  marketBuy: Float64Array;
  marketSell: Float64Array;
  /** The calibrated source's book and session (written by calibrate outside --compat). */
  source?: CurvesSource;
}

/** What a curves file says of its source: `run --hlr-curves` takes these as defaults. */
export interface CurvesSource {
  tickSize: number;
  /** Median queue size per level at the open, in the curves' units. */
  openingDepth: number[];
  p0Ticks: number;
  marketOpenSeconds: number;
  sessionSeconds: number;
}

function sanitise(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = !Number.isFinite(v) || v < 0 ? 0 : v > 0 && v < 1e-12 ? 1e-12 : v;
  }
  return out;
}

function tabulate(nMax: number, f: (n: number) => number): Float64Array {
  return sanitise(Array.from({ length: nMax + 1 }, (_, n) => f(n)));
}

export function defaultHlrCurves(levels: number): HlrCurves {
  const nMax = 100;
  const add = (level: number) =>
    tabulate(nMax, (n) => level === 0 ? 15 / (1 + 0.12 * n) : 5 / (1 + 0.2 * n));
  const cancel = () => tabulate(nMax, (n) => n === 0 ? 0 : (0.3 * n) / (1 + 0.02 * n));
  const market = () => tabulate(nMax, (n) => n === 0 ? 0 : 8);
  const perLevel = (f: (level: number) => Float64Array) =>
    Array.from({ length: levels }, (_, i) => f(i));
  return {
    levels,
    spreadSensitivity: 0.3,
    imbalanceSensitivity: 1,
    addBid: perLevel(add),
    addAsk: perLevel(add),
    cancelBid: perLevel(cancel),
    cancelAsk: perLevel(cancel),
    marketBuy: market(),
    marketSell: market(),
  };
}

/** Parses a curves file (the JSON `qrsdp calibrate` writes); `source` names it in errors. */
export function parseHlrCurves(text: string, source: string): HlrCurves {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DataError(`not valid JSON (${(e as Error).message})`, { source });
  }
  const fail = (what: string): never => {
    throw new DataError(what, { source });
  };
  if (typeof json !== "object" || json === null) fail("expected a JSON object");
  const levels = json.K;
  if (!Number.isInteger(levels) || (levels as number) < 1 || (levels as number) > MAX_LEVELS) {
    fail(`"K" must be an integer from 1 to ${MAX_LEVELS}`);
  }
  const k = levels as number;
  const table = (key: string, value: unknown): Float64Array => {
    if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== "number")) {
      fail(`"${key}" must be a non-empty array of numbers`);
    }
    return sanitise(value as number[]);
  };
  const perLevel = (key: string): Float64Array[] => {
    const value = json[key];
    if (!Array.isArray(value) || value.length !== k) fail(`"${key}" must hold ${k} arrays`);
    return (value as unknown[]).map((v, i) => table(`${key}[${i}]`, v));
  };
  const num = (key: string, fallback: number): number => {
    const v = json[key];
    if (v === undefined) return fallback;
    if (typeof v !== "number" || !Number.isFinite(v)) fail(`"${key}" must be a number`);
    return v as number;
  };
  const described = json.p0_ticks === undefined ? undefined : {
    tickSize: num("tick_size", 0),
    openingDepth: Array.from(table("opening_depth", json.opening_depth)),
    p0Ticks: num("p0_ticks", 0),
    marketOpenSeconds: num("market_open_seconds", 0),
    sessionSeconds: num("session_seconds", 0),
  };
  return {
    levels: k,
    source: described,
    spreadSensitivity: num("spread_sensitivity", 0.3),
    imbalanceSensitivity: num("imbalance_sensitivity", 1),
    addBid: perLevel("lambda_L_bid"),
    addAsk: perLevel("lambda_L_ask"),
    cancelBid: perLevel("lambda_C_bid"),
    cancelAsk: perLevel("lambda_C_ask"),
    marketBuy: table("lambda_M_buy", json.lambda_M_buy),
    marketSell: table("lambda_M_sell", json.lambda_M_sell),
  };
}
