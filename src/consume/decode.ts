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

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `text` is a real YYYY-MM-DD date (not 2026-02-30). */
export function checkedDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const [y, m, d] = text.split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/** Why a decoded record cannot be one of ours (format.md's field ranges), or null. */
export function recordProblem(rec: EventRecord): string | null {
  if (rec.type >= EVENT_TYPE_NAMES.length) return `type ${rec.type} is not one of the six (0-5)`;
  if (rec.side >= SIDE_NAMES.length) return `side ${rec.side} is not 0, 1 or 2`;
  if (!Number.isSafeInteger(rec.tsNs)) return "ts_ns is beyond 2^53";
  if (!Number.isSafeInteger(rec.orderId)) return "order_id is beyond 2^53";
  return null;
}

/**
 * The events of one message: its value is one 26-byte record or several packed end to end
 * (k x 26 bytes), with a `date` header (YYYY-MM-DD) when there is one. Anything else is not our
 * message: a DataError that names its partition and offset and says why.
 */
export function decodeMessage(m: RawMessage): ConsumedEvent[] {
  const value = m.value ?? new Uint8Array(0);
  const where = `partition ${m.partition} offset ${m.offset}`;
  if (value.length === 0 || value.length % RECORD_SIZE !== 0) {
    throw new DataError(
      `${where}: value of ${value.length} bytes is not a whole number of ${RECORD_SIZE}-byte records`,
    );
  }
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const key = text(m.key);
  const date = text(m.headers.date);
  if (date !== null && !checkedDate(date)) {
    throw new DataError(`${where}: date header ${JSON.stringify(date)} is not a YYYY-MM-DD date`);
  }
  const out: ConsumedEvent[] = [];
  for (let at = 0; at < value.length; at += RECORD_SIZE) {
    const rec = decodeRecord(view, at);
    const problem = recordProblem(rec);
    if (problem) {
      const record = value.length > RECORD_SIZE ? ` record ${at / RECORD_SIZE}` : "";
      throw new DataError(`${where}${record}: ${problem}`);
    }
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

/** DEL and the C1 controls, which JSON leaves as they are but a terminal may act upon. */
const JSON_UNSAFE = /[\x7f-\x9f]/g;

/** Text from the wire on one line: every control character shown as `\x1b`, none acted upon. */
// deno-lint-ignore no-control-regex
const LINE_UNSAFE = /[\x00-\x1f\x7f-\x9f]/g;

function hex(c: string, prefix: string, width: number): string {
  return `${prefix}${c.charCodeAt(0).toString(16).padStart(width, "0")}`;
}

/** Whether `text` holds a control character (which `oneLine` would escape). */
export function hasControl(text: string): boolean {
  LINE_UNSAFE.lastIndex = 0;
  return LINE_UNSAFE.test(text);
}

/** `text` with its control characters escaped, so it stays on its line and does nothing. */
export function oneLine(text: string): string {
  return text.replace(LINE_UNSAFE, (c) => hex(c, "\\x", 2));
}

/** The event as one JSON object (one line of `consume --json`). Keys are stable. */
export function eventJson(e: ConsumedEvent): string {
  return jsonLine({
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

/** JSON.stringify, with DEL and C1 controls escaped too (`\u009b`): still the same JSON. */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(JSON_UNSAFE, (c) => hex(c, "\\u", 4));
}

/** `ts_ns` as a wall-clock time of day: `09:30:00.003510394`. */
export function clock(tsNs: number): string {
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
    e.key === null ? "-" : oneLine(e.key),
    e.date ?? "-",
    clock(e.tsNs),
    EVENT_TYPE_NAMES[e.type] ?? `type${e.type}`,
    SIDE_NAMES[e.side] ?? String(e.side),
    e.priceTicks,
    e.qty,
    e.orderId,
  ].join(" ");
}
