import { newRecord } from "../core/events.ts";
import type { EventRecord } from "../core/events.ts";

/** The 26-byte event record (format.md): the file row, the Kafka value and ClickHouse's RowBinary. */
export const RECORD_SIZE = 26;

const TWO_POW_32 = 4294967296;

export function writeU64(view: DataView, offset: number, value: number): void {
  const hi = Math.floor(value / TWO_POW_32);
  view.setUint32(offset, value - hi * TWO_POW_32, true);
  view.setUint32(offset + 4, hi, true);
}

/** Reads a u64 as a number; exact below 2^53, which every field we read stays under. */
export function readU64(view: DataView, offset: number): number {
  return view.getUint32(offset + 4, true) * TWO_POW_32 + view.getUint32(offset, true);
}

export function encodeRecord(rec: EventRecord, view: DataView, offset: number): void {
  writeU64(view, offset, rec.tsNs);
  view.setUint8(offset + 8, rec.type);
  view.setUint8(offset + 9, rec.side);
  view.setInt32(offset + 10, rec.priceTicks, true);
  view.setUint32(offset + 14, rec.qty, true);
  writeU64(view, offset + 18, rec.orderId);
}

export function decodeRecord(view: DataView, offset: number, rec: EventRecord = newRecord()) {
  rec.tsNs = readU64(view, offset);
  rec.type = view.getUint8(offset + 8);
  rec.side = view.getUint8(offset + 9);
  rec.priceTicks = view.getInt32(offset + 10, true);
  rec.qty = view.getUint32(offset + 14, true);
  rec.orderId = readU64(view, offset + 18);
  return rec;
}

export function encodeRecordBytes(rec: EventRecord): Uint8Array {
  const bytes = new Uint8Array(RECORD_SIZE);
  encodeRecord(rec, new DataView(bytes.buffer), 0);
  return bytes;
}
