import { DataError, UsageError } from "../core/errors.ts";
import type { SizeDistribution } from "../model/order_sizes.ts";
import { readManifest } from "../format/manifest.ts";
import { DEFAULT_SYMBOL } from "./feed_day.ts";

/** One trading date of the feed: each security's session file, in feed (locate) order. */
export interface FeedPlanDay {
  date: string;
  sessions: { symbol: string; path: string }[];
}

const FILE_NAME = /^(\d{4}-\d{2}-\d{2})\.qrsdp$/;

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch (e) {
    throw new DataError(`cannot read (${(e as Error).message})`, { source: path });
  }
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
 * (`DATE.qrsdp`), in the order given; securities keep their first appearance's order.
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
  for (const raw of inputs) {
    const input = raw.length > 1 ? raw.replace(/\/+$/, "") : raw;
    if (isDirectory(input)) {
      for (const s of readManifest(input).securities) {
        for (const x of s.sessions) put(s.symbol ?? DEFAULT_SYMBOL, x.date, `${input}/${x.file}`);
      }
    } else {
      const date = FILE_NAME.exec(input.split("/").pop()!)?.[1];
      if (!date) throw new UsageError(`${input}: a session file must be named YYYY-MM-DD.qrsdp`);
      put(symbolOfFile(input), date, input);
    }
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
