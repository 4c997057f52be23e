import { UsageError } from "../core/errors.ts";
import { isDirectory, listInputs, sessionPath } from "../format/input.ts";
import type { SizeDistribution } from "../model/order_sizes.ts";
import { readManifest } from "../format/manifest.ts";
import { DEFAULT_SYMBOL } from "./feed_day.ts";

/** One trading date of the feed: each security's session file, in feed (locate) order. */
export interface FeedPlanDay {
  date: string;
  sessions: { symbol: string; path: string }[];
}

/** The symbol of a session file: its folder's name when the run's manifest names it so. */
function symbolOfFile(path: string): string {
  const parts = path.split("/");
  if (parts.length >= 3) {
    const run = parts.slice(0, -2).join("/") || "/";
    const rel = parts.slice(-2).join("/");
    try {
      const { securities } = readManifest(run);
      const s = securities.find((s) => s.sessions.some((x) => x.file === rel));
      if (s?.symbol) return s.symbol;
    } catch {
      // Not inside a run directory: the unnamed security.
    }
  }
  return DEFAULT_SYMBOL;
}

/**
 * The days of a feed from run directories (every security of the manifest) and session files
 * (`DATE.qrsdp`), in the order given; securities keep their first appearance's order. Inputs are
 * listed by the input layer: manifest paths stay inside their run, a file counts once.
 */
export function feedPlan(inputs: string[]): FeedPlanDay[] {
  const symbols: string[] = [];
  const byDate = new Map<string, Map<string, string>>();
  const put = (symbol: string, date: string, path: string) => {
    if (!symbols.includes(symbol)) symbols.push(symbol);
    const day = byDate.get(date) ?? new Map<string, string>();
    byDate.set(date, day);
    const prior = day.get(symbol);
    if (prior !== undefined && prior !== path) {
      throw new UsageError(`${path}: ${symbol} on ${date} is already given by ${prior}`);
    }
    day.set(symbol, path);
  };
  for (const s of listInputs(inputs).sessions) {
    if (s.run !== null) put(s.symbol ?? DEFAULT_SYMBOL, s.date!, sessionPath(s));
    else if (!s.date) {
      throw new UsageError(`${s.path}: a session file must be named YYYY-MM-DD.qrsdp`);
    } else put(symbolOfFile(s.path), s.date, s.path);
  }
  return [...byDate.keys()].sort().map((date) => {
    const day = byDate.get(date)!;
    return {
      date,
      sessions: symbols.filter((s) => day.has(s)).map((symbol) => ({
        symbol,
        path: day.get(symbol)!,
      })),
    };
  });
}

/** The order sizes (--sizes) of the first run directory among the inputs that has them. */
export function feedOrderSizes(inputs: string[]): SizeDistribution | null {
  for (const raw of inputs) {
    const input = raw.length > 1 ? raw.replace(/\/+$/, "") : raw;
    if (!isDirectory(input)) continue;
    const sizes = readManifest(input).raw.order_sizes as SizeDistribution | undefined;
    if (sizes) return sizes;
  }
  return null;
}
