import type { FileHeader } from "../format/header.ts";
import type { EventRecord } from "../core/events.ts";
import { itchPriceProblem, itchSymbolProblem, stockField, SystemEventCode } from "./messages.ts";
import type { ItchBuffer } from "./messages.ts";
import { OrderImage } from "./order_image.ts";
import { OrderSizes } from "../model/order_sizes.ts";
import type { SizeDistribution } from "../model/order_sizes.ts";
import type { DayNumbers } from "./order_image.ts";

/** One security's session on a trading day: its ITCH symbol and its file header. */
export interface FeedSecurity {
  symbol: string;
  header: FileHeader;
}

/** The symbol of the unnamed security, as its Kafka key. */
export const DEFAULT_SYMBOL = "DEFAULT";

/** `YYYY-MM-DD` as `YYYYMMDD`. */
export function compactDate(date: string): string {
  return date.replaceAll("-", "");
}

/**
 * One trading day of the feed (itch.md "A trading day on the feed"): the system events, the
 * stock directory, the opening books, then each security's records through its order image.
 * Order reference and match numbers run 1, 2, 3, ... across every security of the day.
 */
export class FeedDay {
  readonly numbers: DayNumbers = { nextRef: 1, nextMatch: 1 };
  /** Records applied so far. */
  records = 0;
  readonly images: OrderImage[];
  readonly openNs: number;
  readonly closeNs: number;
  private readonly stocks: Uint8Array[];

  constructor(
    readonly securities: FeedSecurity[],
    private readonly lot: number,
    private readonly out: ItchBuffer,
    /** The run's order sizes (--sizes), in lots of `lot` shares; null or fixed: one lot each. */
    sizes: SizeDistribution | null = null,
  ) {
    const first = securities[0].header;
    this.openNs = first.marketOpenNs;
    this.closeNs = first.marketOpenNs + first.sessionSeconds * 1e9;
    this.stocks = securities.map((s) => stockField(s.symbol));
    this.images = securities.map((s, i) =>
      new OrderImage(
        i + 1,
        this.stocks[i],
        s.header,
        lot,
        this.numbers,
        out,
        sizes && sizes.kind !== "fixed" ? new OrderSizes(sizes, s.header.seed) : null,
      )
    );
  }

  open(): void {
    const out = this.out;
    out.time(this.openNs);
    out.systemEvent(SystemEventCode.START_OF_MESSAGES);
    this.images.forEach((image, i) => out.stockDirectory(image.locate, this.stocks[i], this.lot));
    out.systemEvent(SystemEventCode.START_OF_SYSTEM_HOURS);
    for (const image of this.images) image.opening(this.openNs);
    out.systemEvent(SystemEventCode.START_OF_MARKET_HOURS);
  }

  apply(securityIndex: number, rec: EventRecord): void {
    this.records++;
    this.images[securityIndex].apply(rec);
  }

  close(): void {
    const out = this.out;
    out.time(this.closeNs);
    out.systemEvent(SystemEventCode.END_OF_MARKET_HOURS);
    out.systemEvent(SystemEventCode.END_OF_SYSTEM_HOURS);
    out.systemEvent(SystemEventCode.END_OF_MESSAGES);
  }
}

/** Why these securities cannot go on one ITCH feed, or null: checked before anything is written. */
export function feedProblem(securities: FeedSecurity[]): string | null {
  for (const s of securities) {
    const problem = itchSymbolProblem(s.symbol) ??
      itchPriceProblem(s.header.p0Ticks, s.header.tickSize);
    if (problem) return problem;
  }
  return null;
}
