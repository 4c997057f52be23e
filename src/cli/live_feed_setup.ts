import { openFeedOutputs } from "./feed_outputs.ts";
import type { SizeDistribution } from "../model/order_sizes.ts";
import { UsageError } from "../core/errors.ts";
import { DEFAULT_SYMBOL } from "../itch/feed_day.ts";
import type { ItchFileOutput } from "../itch/itch_file.ts";
import type { UdpFeedOutput } from "../itch/udp_output.ts";
import { LiveFeed } from "../itch/live_feed.ts";
import { itchPriceProblem, itchSymbolProblem } from "../itch/messages.ts";
import type { FlagValues } from "./flags.ts";
import { udpFeedFromFlags } from "./itch_flags.ts";
import type { LIVE_FEED_FLAGS } from "./itch_flags.ts";

/** Loaded only by a run that publishes its feed. */
export interface LiveFeedSetup {
  feed: LiveFeed;
  files: ItchFileOutput | null;
  sender: UdpFeedOutput | null;
}

/**
 * Opens the live feed the flags ask for, or returns null. Symbols and opening prices are
 * checked first, so a run that cannot have its feed writes nothing.
 */
export async function openLiveFeed(
  values: FlagValues<typeof LIVE_FEED_FLAGS>,
  securities: { symbol: string | null; p0Ticks: number }[],
  tickSize: number,
  sizes: SizeDistribution | null = null,
): Promise<LiveFeedSetup | null> {
  const udp = udpFeedFromFlags(values);
  const dir = values["itch-dir"];
  if (!udp && !dir) return null;
  for (const s of securities) {
    const problem = itchSymbolProblem(s.symbol ?? DEFAULT_SYMBOL) ??
      itchPriceProblem(s.p0Ticks, tickSize);
    if (problem) throw new UsageError(`ITCH feed: ${problem}`);
  }
  const { output, files, sender } = await openFeedOutputs(
    udp,
    dir ? { flag: "--itch-dir", dir, gzip: false } : null,
  );
  const feed = new LiveFeed(securities.map((s) => s.symbol), values["lot-size"], output, sizes);
  return { feed, files, sender };
}
