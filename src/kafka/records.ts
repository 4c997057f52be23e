/**
 * The records section of a Kafka record batch (message format v2), as the broker reads it once
 * decompressed: one record per message, each with the same key and one header. Written by us so
 * that a produce request costs kafkajs nothing per message (see record_batch.ts).
 *
 * Record => length varint, attributes int8, timestampDelta varlong, offsetDelta varint,
 *   key (varint length + bytes), value (varint length + bytes), headers (varint count, then
 *   varint key length + key, varint value length + value). Varints are zigzag-encoded.
 */

const ENCODER = new TextEncoder();

/** Bytes that a zigzag varint of `n` (0 <= n < 2^30) takes. */
export function zigzagSize(n: number): number {
  let z = n * 2, size = 1;
  while (z >= 0x80) {
    z = Math.floor(z / 128);
    size++;
  }
  return size;
}

/** Writes `n` (0 <= n < 2^30) as a zigzag varint at `at`; returns the position after it. */
export function writeZigzag(buf: Uint8Array, at: number, n: number): number {
  let z = n * 2;
  while (z >= 0x80) {
    buf[at++] = (z & 0x7f) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[at++] = z;
  return at;
}

/** Reads a zigzag varint at `at`; returns [value, position after it]. */
export function readZigzag(buf: Uint8Array, at: number): [number, number] {
  let z = 0, shift = 1, b;
  do {
    b = buf[at++];
    z += (b & 0x7f) * shift;
    shift *= 128;
  } while (b & 0x80);
  return [z % 2 === 0 ? z / 2 : -(z + 1) / 2, at];
}

/** What every message of one security's trading date carries besides its value. */
export interface MessageFrame {
  key: Uint8Array;
  headerKey: string;
  headerValue: string;
}

/** The encoded key and headers of a frame: the bytes before and after a record's value. */
export class EncodedFrame {
  readonly key: Uint8Array;
  readonly keyPart: Uint8Array;
  readonly headersPart: Uint8Array;
  /** The key and the header's value as text: the security and date a JSON or Avro value holds. */
  readonly symbol: string;
  readonly date: string;

  constructor(frame: MessageFrame) {
    this.key = frame.key;
    this.symbol = new TextDecoder().decode(frame.key);
    this.date = frame.headerValue;
    const hk = ENCODER.encode(frame.headerKey), hv = ENCODER.encode(frame.headerValue);
    this.keyPart = new Uint8Array(zigzagSize(this.key.length) + this.key.length);
    this.keyPart.set(this.key, writeZigzag(this.keyPart, 0, this.key.length));
    const headers = new Uint8Array(
      1 + zigzagSize(hk.length) + hk.length + zigzagSize(hv.length) + hv.length,
    );
    let at = writeZigzag(headers, 0, 1);
    headers.set(hk, at = writeZigzag(headers, at, hk.length));
    headers.set(hv, at = writeZigzag(headers, at + hk.length, hv.length));
    this.headersPart = headers;
  }
}

/** Values up to this many bytes (one or two events) are copied byte by byte. */
const SHORT_VALUE = 64;

/**
 * Appends records to one growing buffer. Offset deltas count from 0 and timestamp deltas are 0:
 * every record of a batch carries the batch's timestamp.
 */
export class RecordsWriter {
  private buf: Uint8Array;
  private pos = 0;
  /** Records written so far. */
  count = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = new Uint8Array(initialBytes);
  }

  get byteLength(): number {
    return this.pos;
  }

  /** The records written so far (a view: valid until the next write or reset). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
    this.count = 0;
  }

  /** Adds a record whose value is `value`, or its bytes [start, end). */
  add(frame: EncodedFrame, value: Uint8Array, start = 0, end = value.length): void {
    const size = end - start;
    const body = 2 + zigzagSize(this.count) + frame.keyPart.length + zigzagSize(size) + size +
      frame.headersPart.length;
    this.reserve(5 + body);
    const buf = this.buf;
    let at = writeZigzag(buf, this.pos, body);
    buf[at++] = 0; // attributes
    buf[at++] = 0; // timestamp delta
    at = writeZigzag(buf, at, this.count);
    buf.set(frame.keyPart, at);
    at = writeZigzag(buf, at + frame.keyPart.length, size);
    // A short value byte by byte: a view to copy it from would cost more than the copy.
    if (size <= SHORT_VALUE) { for (let i = start; i < end; i++) buf[at++] = value[i]; }
    else {
      buf.set(start === 0 && end === value.length ? value : value.subarray(start, end), at);
      at += size;
    }
    buf.set(frame.headersPart, at);
    this.pos = at + frame.headersPart.length;
    this.count++;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }
}
