import { EVENT_TYPE_NAMES } from "../core/events.ts";
import { pathInside } from "../core/output_path.ts";
import type { ExportSession } from "./sessions.ts";

/**
 * The columns of the csv, jsonl and parquet exports: those of ClickHouse's `exchange_events`
 * (the symbol and trading date with each event's 26-byte record), the type's name, and the
 * analysis-ready forms: `ts` (the UTC instant), `price` (dollars) and `shares` (the lots of the
 * order the event concerned × lot size; qty × lot size when it concerned none), and `order_ref`,
 * the order the event concerned (order_columns.ts).
 */
export const EVENT_COLUMNS = [
  "symbol",
  "date",
  "ts",
  "ts_ns",
  "type",
  "type_name",
  "side",
  "price",
  "price_ticks",
  "qty",
  "shares",
  "order_id",
  "order_ref",
] as const;

/** Columns that a Hive-partitioned layout carries in its folder names instead. */
export const PARTITION_COLUMNS = ["symbol", "date"] as const;

/** The price column's decimal places: `price_ticks × tick_size` is dollars × 10^4. */
export const PRICE_SCALE = 4;

/** How the exported files are laid out and what the derived columns mean. */
export interface ExportLayout {
  /** The market's IANA time zone: `ts_ns` is wall-clock time since its local midnight. */
  tz: string;
  /** Shares per unit of `qty` (ITCH's --lot-size). */
  lotSize: number;
  /** `symbol=S/date=D/` folders, without the symbol and date columns; else one flat folder. */
  hive: boolean;
  /** hftbacktest: local timestamps are the exchange's plus this. */
  latencyNs: number;
}

export const DEFAULT_LAYOUT: ExportLayout = {
  tz: "America/New_York",
  lotSize: 100,
  hive: false,
  latencyNs: 0,
};

export function typeName(type: number): string {
  return EVENT_TYPE_NAMES[type] ?? "UNKNOWN";
}

/** The file name of a session's export, without the extension: `SYMBOL_DATE`. */
export function baseName(symbol: string, date: string): string {
  return `${symbol}_${date}`;
}

/**
 * A session's file name inside the export folder: `SYMBOL_DATE.EXT`, or under its Hive partition,
 * `symbol=SYMBOL/date=DATE/SYMBOL_DATE.EXT` (the partition's folders made here).
 */
export function sessionFileName(
  dir: string,
  session: ExportSession,
  layout: ExportLayout,
  ext: string,
): string {
  const name = `${baseName(session.symbol, session.date)}.${ext}`;
  if (!layout.hive) return name;
  const partition = `symbol=${session.symbol}/date=${session.date}`;
  Deno.mkdirSync(pathInside(dir, partition), { recursive: true });
  return `${partition}/${name}`;
}

/** The columns a session's file holds in this layout. */
export function fileColumns(layout: ExportLayout): string[] {
  const partition: readonly string[] = PARTITION_COLUMNS;
  return EVENT_COLUMNS.filter((c) => !layout.hive || !partition.includes(c));
}

/** `units` of 10^-4 dollars as an exact decimal text with four places: `100.0100`. */
export function priceText(units: number): string {
  const sign = units < 0 ? "-" : "";
  const abs = Math.abs(units);
  const whole = Math.floor(abs / 10_000);
  return `${sign}${whole}.${String(abs - whole * 10_000).padStart(PRICE_SCALE, "0")}`;
}
