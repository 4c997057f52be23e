import { DataError } from "../core/errors.ts";
import { EVENT_TYPE_NAMES, SIDE_NAMES } from "../core/events.ts";
import type { EventRecord } from "../core/events.ts";
import { decodeRecord, RECORD_SIZE } from "../format/record.ts";

/** A Kafka message as the consumer hands it over. */
export interface RawMessage {
  partition: number;
  offset: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Record<string, Uint8Array | string | undefined>;
}

/** One event of a message: where it came from, and its record. */
export interface ConsumedEvent extends EventRecord {
  partition: number;
  offset: number;
  /** The event's place in its message (a packed message holds several). */
  index: number;
  key: string | null;
  date: string | null;
}

const decoder = new TextDecoder();

function text(v: Uint8Array | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === "string" ? v : decoder.decode(v);
}

/**
 * The events of one message: its value is one 26-byte record or several packed end to end
 * (k x 26 bytes). Any other length is a malformed message, named by partition and offset.
 */
export function decodeMessage(m: RawMessage): ConsumedEvent[] {
  const value = m.value ?? new Uint8Array(0);
  if (value.length === 0 || value.length % RECORD_SIZE !== 0) {
    throw new DataError(
      `partition ${m.partition} offset ${m.offset}: value of ${value.length} bytes is not a ` +
        `whole number of ${RECORD_SIZE}-byte records`,
    );
  }
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const key = text(m.key);
  const date = text(m.headers.date);
  const out: ConsumedEvent[] = [];
  for (let at = 0; at < value.length; at += RECORD_SIZE) {
    const rec = decodeRecord(view, at);
    out.push({
      partition: m.partition,
      offset: m.offset,
      index: at / RECORD_SIZE,
      key,
      date,
      ...rec,
    });
  }
  return out;
}

/** The event as one JSON object (one line of `consume --json`). Keys are stable. */
export function eventJson(e: ConsumedEvent): string {
  return JSON.stringify({
    partition: e.partition,
    offset: e.offset,
    index: e.index,
    key: e.key,
    date: e.date,
    ts_ns: e.tsNs,
    type: e.type,
    type_name: EVENT_TYPE_NAMES[e.type] ?? "UNKNOWN",
    side: e.side,
    price_ticks: e.priceTicks,
    qty: e.qty,
    order_id: e.orderId,
  });
}

function clock(tsNs: number): string {
  const s = Math.floor(tsNs / 1e9);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.${
    String(tsNs - s * 1e9).padStart(9, "0")
  }`;
}

/** The event as one line of text: partition@offset[/index] key date time type side price qty id. */
export function eventText(e: ConsumedEvent): string {
  const where = `${e.partition}@${e.offset}${e.index > 0 ? `/${e.index}` : ""}`;
  return [
    where,
    e.key ?? "-",
    e.date ?? "-",
    clock(e.tsNs),
    EVENT_TYPE_NAMES[e.type] ?? `type${e.type}`,
    SIDE_NAMES[e.side] ?? String(e.side),
    e.priceTicks,
    e.qty,
    e.orderId,
  ].join(" ");
}
