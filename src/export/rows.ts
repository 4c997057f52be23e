import { EVENT_TYPE_NAMES } from "../core/events.ts";

/**
 * The columns of the csv, jsonl and parquet exports: those of ClickHouse's `exchange_events`
 * (the symbol and trading date with each event's 26-byte record), the type's name, and the order
 * the event concerned with its shares (order_columns.ts).
 */
export const EVENT_COLUMNS = [
  "symbol",
  "date",
  "ts_ns",
  "type",
  "type_name",
  "side",
  "price_ticks",
  "qty",
  "order_id",
  "order_ref",
  "shares",
] as const;

export function typeName(type: number): string {
  return EVENT_TYPE_NAMES[type] ?? "UNKNOWN";
}

/** The file name of a session's export, without the extension: `SYMBOL_DATE`. */
export function baseName(symbol: string, date: string): string {
  return `${symbol}_${date}`;
}
