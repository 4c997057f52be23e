/**
 * The value of a Kafka message in each of the formats `--kafka-format` offers: `rowbinary` (k x 26
 * bytes, format.md's record: the default), `json` (one object per event, the columns of
 * `exchange_events`) and `avro` (one event in Avro's binary encoding, after the Confluent wire
 * format's header: magic byte 0, the schema's registry id as a big-endian u32).
 */
import { DataError } from "../core/errors.ts";
import type { EventRecord } from "../core/events.ts";

export const VALUE_FORMATS = ["rowbinary", "json", "avro"] as const;
export type ValueFormatName = typeof VALUE_FORMATS[number];

/** The Avro schema of one event, registered under TOPIC-value. Field order is the encoding's. */
export const AVRO_SCHEMA = {
  type: "record",
  name: "ExchangeEvent",
  namespace: "qrsdp",
  fields: [
    { name: "symbol", type: "string" },
    { name: "date", type: { type: "int", logicalType: "date" } },
    { name: "ts_ns", type: "long" },
    { name: "type", type: "int" },
    { name: "side", type: "int" },
    { name: "price_ticks", type: "int" },
    { name: "qty", type: "long" },
    { name: "order_id", type: "long" },
  ],
} as const;

/** An event with the security and trading date its message carries. */
export interface KeyedEvent extends EventRecord {
  symbol: string;
  date: string;
}

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder("utf-8", { fatal: true });
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD date (Avro's `date`). */
export function epochDay(date: string): number {
  return Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / DAY_MS;
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The event as its JSON value: `{"symbol":..,"date":..,"ts_ns":..,...}`. */
export function jsonValue(e: KeyedEvent): Uint8Array {
  return ENCODER.encode(
    `{"symbol":${
      JSON.stringify(e.symbol)
    },"date":"${e.date}","ts_ns":${e.tsNs},"type":${e.type},"side":${e.side},"price_ticks":${e.priceTicks},"qty":${e.qty},"order_id":${e.orderId}}`,
  );
}

const JSON_FIELDS = ["symbol", "date", "ts_ns", "type", "side", "price_ticks", "qty", "order_id"];

/** A JSON value back into its event; anything else is a DataError saying what is wrong. */
export function parseJsonValue(bytes: Uint8Array): KeyedEvent {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(DECODER.decode(bytes));
  } catch (e) {
    throw new DataError(`value is not JSON (${(e as Error).message})`);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new DataError("JSON value is not an object");
  }
  for (const f of JSON_FIELDS) {
    const x = v[f];
    const ok = f === "symbol" || f === "date"
      ? typeof x === "string"
      : typeof x === "number" && Number.isSafeInteger(x);
    if (!ok) {
      throw new DataError(
        `JSON value's "${f}" is missing or not ${
          f === "symbol" || f === "date" ? "a string" : "an integer"
        }`,
      );
    }
  }
  return {
    symbol: v.symbol as string,
    date: v.date as string,
    tsNs: v.ts_ns as number,
    type: v.type as number,
    side: v.side as number,
    priceTicks: v.price_ticks as number,
    qty: v.qty as number,
    orderId: v.order_id as number,
  };
}

/** Appends Avro's zigzag varint of an integer below 2^53 in magnitude. */
function writeLong(out: number[], n: number): void {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  while (z >= 0x80) {
    out.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  out.push(z);
}

function writeString(out: number[], s: string): void {
  const bytes = ENCODER.encode(s);
  writeLong(out, bytes.length);
  for (const b of bytes) out.push(b);
}

/** The Confluent wire format's header: magic 0, then the schema id (u32, big-endian). */
export const WIRE_HEADER_SIZE = 5;

/** The event in the Confluent wire format with `schemaId`, its body in AVRO_SCHEMA. */
export function avroValue(e: KeyedEvent, schemaId: number): Uint8Array {
  const out: number[] = [
    0,
    (schemaId >>> 24) & 0xff,
    (schemaId >>> 16) & 0xff,
    (schemaId >>> 8) & 0xff,
    schemaId & 0xff,
  ];
  writeString(out, e.symbol);
  writeLong(out, epochDay(e.date));
  writeLong(out, e.tsNs);
  writeLong(out, e.type);
  writeLong(out, e.side);
  writeLong(out, e.priceTicks);
  writeLong(out, e.qty);
  writeLong(out, e.orderId);
  return Uint8Array.from(out);
}

/** The schema id of a Confluent wire-format value; a DataError when it has no such header. */
export function wireSchemaId(bytes: Uint8Array): number {
  if (bytes.length < WIRE_HEADER_SIZE || bytes[0] !== 0) {
    throw new DataError("value is not in the Confluent wire format (magic byte 0, schema id)");
  }
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(1);
}

/** Reads an Avro-encoded event (the body after the wire header) in AVRO_SCHEMA. */
export function parseAvroBody(bytes: Uint8Array): KeyedEvent {
  let at = 0;
  const long = (): number => {
    let z = 0, scale = 1, b;
    do {
      if (at >= bytes.length) throw new DataError("Avro value ends inside a field");
      b = bytes[at++];
      z += (b & 0x7f) * scale;
      scale *= 0x80;
      if (scale > 2 ** 63) throw new DataError("Avro long is longer than 10 bytes");
    } while (b & 0x80);
    const n = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    if (!Number.isSafeInteger(n)) throw new DataError("Avro long is beyond 2^53");
    return n;
  };
  const string = (): string => {
    const n = long();
    if (n < 0 || at + n > bytes.length) throw new DataError("Avro string runs past the value");
    try {
      return DECODER.decode(bytes.subarray(at, at += n));
    } catch {
      throw new DataError("Avro string is not UTF-8");
    }
  };
  const e: KeyedEvent = {
    symbol: string(),
    date: dateOfDay(long()),
    tsNs: long(),
    type: long(),
    side: long(),
    priceTicks: long(),
    qty: long(),
    orderId: long(),
  };
  if (at !== bytes.length) {
    throw new DataError(`Avro value has ${bytes.length - at} bytes after the event`);
  }
  return e;
}

/** A field's type as one comparable text: `long`, `int/date`. */
function typeText(t: unknown): string {
  if (typeof t === "string") return t;
  const o = t as { type?: unknown; logicalType?: unknown } | null;
  return `${typeText(o?.type)}/${String(o?.logicalType ?? "")}`;
}

/** Whether a registered schema is ours: the same fields, names and types, in the same order. */
export function isOurSchema(schema: unknown): boolean {
  const s = schema as { type?: unknown; fields?: { name?: unknown; type?: unknown }[] };
  if (s?.type !== "record" || !Array.isArray(s.fields)) return false;
  if (s.fields.length !== AVRO_SCHEMA.fields.length) return false;
  return AVRO_SCHEMA.fields.every((f, i) =>
    s.fields![i].name === f.name && typeText(s.fields![i].type) === typeText(f.type)
  );
}

/** One event's value for the producer: its record with its message's security and date. */
export type ValueEncoder = (rec: EventRecord, symbol: string, date: string) => Uint8Array;

/** The encoder of a format; rowbinary has none (the packer writes k x 26 bytes itself). */
export function valueEncoder(format: ValueFormatName, schemaId?: number): ValueEncoder | null {
  if (format === "json") return (rec, symbol, date) => jsonValue({ ...rec, symbol, date });
  if (format === "avro") {
    if (schemaId === undefined) throw new Error("avro needs the schema's registry id");
    return (rec, symbol, date) => avroValue({ ...rec, symbol, date }, schemaId);
  }
  return null;
}
