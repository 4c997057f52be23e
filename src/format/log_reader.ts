import { DataError } from "../core/errors.ts";
import { ReusedRecord } from "../core/events.ts";
import type { EventRecord } from "../core/events.ts";
import type { ByteSource } from "./byte_source.ts";
import { fileSource } from "./byte_source.ts";
import {
  CHUNK_HEADER_SIZE,
  decodeChunkHeader,
  decodeHeader,
  decodeIndexEntry,
  decodeIndexTail,
  FLAG_HAS_INDEX,
  HEADER_FLAGS_OFFSET,
  HEADER_SIZE,
  INDEX_ENTRY_SIZE,
  INDEX_MAGIC,
  INDEX_TAIL_SIZE,
} from "./header.ts";
import type { ChunkHeader, FileHeader } from "./header.ts";
import { compressBound } from "./lz4_block.ts";
import { Lz4BlockDecoder } from "./lz4_decoder.ts";
import type { RecordColumns, TypeCounts } from "./lz4_decoder.ts";
import { RECORD_SIZE } from "./record.ts";
import { headerChecksum } from "./checksum.ts";

/** Numbers kept per index entry: offset, first ts, last ts, record count, reserved. */
const ENTRY = 5;

export interface ChunkInfo {
  offset: number;
  recordCount: number;
  compressedSize: number;
  firstTsNs: number;
  lastTsNs: number;
  /** chunk_flags of its header. */
  flags: number;
  /** The index entry's `reserved` field (its checksum when flags say so); null without index. */
  stored: number | null;
}

/** Why a chunk header cannot describe a chunk of a file with this chunk capacity, or null. */
function headerProblem(h: ChunkHeader, capacity: number): string | null {
  if (h.recordCount === 0 || h.recordCount > capacity) {
    return `chunk header says ${h.recordCount} records (capacity ${capacity})`;
  }
  if (h.uncompressedSize !== h.recordCount * RECORD_SIZE) {
    return `chunk header says ${h.uncompressedSize} bytes for ${h.recordCount} records`;
  }
  if (h.compressedSize === 0 || h.compressedSize > compressBound(h.uncompressedSize)) {
    return `chunk header has an impossible compressed size ${h.compressedSize}`;
  }
  if (h.firstTsNs > h.lastTsNs) return "chunk header's first_ts_ns is after its last_ts_ns";
  return null;
}

/**
 * Reads a `.qrsdp` file front to back, one chunk at a time, in buffers reused from chunk to
 * chunk: memory is one chunk's worth, whatever the file's size. Chunks are found by walking chunk
 * headers from byte 64 up to the index (when the file ends with one) or the end of the file; a
 * file cut short gives every complete chunk, and `damage` then says where and why the rest was not
 * readable. Chunks are checked against the index as they pass.
 *
 * `next()` moves to the next chunk, `records()` decompresses it; the records stay valid until the
 * following `next()`.
 */
export class LogReader {
  readonly header: FileHeader;
  readonly name: string;
  readonly size: number;
  /** The chunk `next()` returned last, and its number from 0. */
  chunk: ChunkInfo | null = null;
  chunkNumber = -1;
  /** Why reading stopped before the end of the data, with the byte offset; null if it did not. */
  damage: string | null = null;
  /** Records of the chunks `next()` has returned so far. */
  recordsRead = 0;
  private readonly headerCrc: number;
  /** The checksum (checksum.ts) continued over the current chunk's header. */
  private chunkHeaderCrc = 0;
  /** The decompressed records' view; valid until the following `next()`. */
  view = new DataView(new ArrayBuffer(0));

  private readonly decoder = Lz4BlockDecoder.acquire();
  /** Where the chunks end: at the index when the file ends with a well-formed one. */
  private readonly dataEnd: number;
  /** Index entries (offset, first ts, last ts, record count), when the file ends with an index. */
  private readonly index: Float64Array | null;
  private indexAgrees = true;
  /** Byte offset of the next chunk header, and how many of its bytes are already at input[0]. */
  private offset = HEADER_SIZE;
  private buffered = 0;
  private finished = false;
  private previousLastTs = 0;
  private inputView = new DataView(new ArrayBuffer(0));

  constructor(private readonly source: ByteSource) {
    this.name = source.name;
    this.size = source.size;
    const head = new Uint8Array(Math.min(HEADER_SIZE, source.size));
    source.read(head, 0);
    if (head.length < HEADER_SIZE) {
      throw new DataError(
        `file is ${head.length} bytes, shorter than the ${HEADER_SIZE}-byte header`,
        { source: source.name },
      );
    }
    this.header = decodeHeader(head, source.name);
    this.headerCrc = headerChecksum(head);
    this.decoder.reserve(2 * CHUNK_HEADER_SIZE, 0);
    this.index = this.readIndex();
    this.dataEnd = this.index
      ? this.size - INDEX_TAIL_SIZE - this.index.length / ENTRY * INDEX_ENTRY_SIZE
      : this.size;
  }

  static open(path: string): LogReader {
    const source = fileSource(path);
    try {
      return new LogReader(source);
    } catch (e) {
      source.close();
      throw e;
    }
  }

  /** Closes the file; the reader must not be used afterwards. */
  close(): void {
    this.finished = true;
    this.decoder.release();
    this.source.close();
  }

  /**
   * True when HAS_INDEX is set and the index agrees with every chunk read so far; once `next()`
   * has returned null, true when the index describes exactly the file's chunks.
   */
  get indexed(): boolean {
    if (!(this.header.headerFlags & FLAG_HAS_INDEX) || !this.index || !this.indexAgrees) {
      return false;
    }
    return !this.finished ||
      (this.damage === null && this.chunkNumber + 1 === this.index.length / ENTRY);
  }

  /** Moves to the next complete chunk and reads its compressed bytes; null at the end. */
  next(): ChunkInfo | null {
    if (this.finished) return null;
    const offset = this.offset;
    if (offset >= this.dataEnd) return this.finish(null);
    const present = Math.min(CHUNK_HEADER_SIZE, this.dataEnd - offset);
    if (this.buffered < present) {
      this.readInput(0, present, offset);
      this.buffered = present;
    }
    if (present < CHUNK_HEADER_SIZE) {
      return this.finish(
        offset,
        `torn chunk header: ${present} of ${CHUNK_HEADER_SIZE} bytes present`,
      );
    }
    const h = decodeChunkHeader(this.inputView, 0);
    const problem = headerProblem(h, this.header.chunkCapacity);
    if (problem) return this.finish(offset, problem);
    const dataStart = offset + CHUNK_HEADER_SIZE;
    const nextOffset = dataStart + h.compressedSize;
    if (nextOffset > this.dataEnd) {
      const have = this.dataEnd - dataStart;
      return this.finish(offset, `torn chunk: ${have} of ${h.compressedSize} data bytes present`);
    }
    const number = this.chunkNumber + 1;
    if (number > 0 && h.firstTsNs < this.previousLastTs) {
      return this.finish(offset, `chunk ${number} starts before the previous ends`);
    }
    // The chunk's data and the next chunk's header come in one read.
    const following = Math.min(CHUNK_HEADER_SIZE, this.dataEnd - nextOffset);
    const end = CHUNK_HEADER_SIZE + h.compressedSize;
    this.decoder.reserve(end + CHUNK_HEADER_SIZE, h.uncompressedSize);
    this.readInput(CHUNK_HEADER_SIZE, h.compressedSize + following, dataStart);
    // The chunk's header is at input[0..32) until the next one is moved there.
    this.chunkHeaderCrc = this.decoder.checksum(this.headerCrc, 0, CHUNK_HEADER_SIZE);
    this.decoder.input.copyWithin(0, end, end + following);
    this.buffered = following;
    this.offset = nextOffset;
    this.previousLastTs = h.lastTsNs;
    this.chunkNumber = number;
    this.recordsRead += h.recordCount;
    this.chunk = {
      offset,
      recordCount: h.recordCount,
      compressedSize: h.compressedSize,
      firstTsNs: h.firstTsNs,
      lastTsNs: h.lastTsNs,
      flags: h.chunkFlags,
      stored: null,
    };
    if (this.index && !this.entryAgrees(number, this.chunk)) this.indexAgrees = false;
    else if (this.index) this.chunk.stored = this.index[number * ENTRY + 4];
    return this.chunk;
  }

  /** The CRC-32C (checksum.ts) of the chunk `next()` returned, as read. */
  checksum(): number {
    const c = this.chunk!;
    return this.decoder.checksum(
      this.chunkHeaderCrc,
      CHUNK_HEADER_SIZE,
      CHUNK_HEADER_SIZE + c.compressedSize,
    );
  }

  /**
   * Decompresses the chunk `next()` returned into the reused output buffer, also viewed by
   * `view`; the records stay valid until the following `next()`. A malformed LZ4 block is a
   * DataError naming the byte; the chunks after it can still be read.
   */
  records(): Uint8Array {
    const c = this.chunk!;
    const size = c.recordCount * RECORD_SIZE;
    const n = this.decoder.decode(CHUNK_HEADER_SIZE, c.compressedSize, size);
    if (n !== size) {
      const start = c.offset + CHUNK_HEADER_SIZE;
      const where = { source: this.name, offset: n < 0 ? start - 1 - n : start };
      throw new DataError(
        n < 0
          ? `chunk ${this.chunkNumber}'s LZ4 block is malformed`
          : `chunk ${this.chunkNumber} decompresses to ${n} bytes, not ${size}`,
        where,
      );
    }
    const out = this.decoder.output;
    if (this.view.buffer !== out.buffer || this.view.byteOffset !== out.byteOffset) {
      this.view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    }
    return out.subarray(0, size);
  }

  /**
   * The chunk's records, decompressed and split into fields; valid until the next `next()`.
   * `decoded`: `records()` was called for this chunk already, so it is not decompressed again.
   */
  columns(decoded = false): RecordColumns {
    if (!decoded) this.records();
    return this.decoder.split(this.chunk!.recordCount);
  }

  /**
   * Checks the decompressed records of the chunk (see `Lz4BlockDecoder.tally`): -1 when they are
   * in order after `prevTsNs` and in range, their types then counted into `mix`; else the index of
   * the first that is not.
   */
  tally(prevTsNs: number, mix: TypeCounts): number {
    return this.decoder.tally(this.chunk!.recordCount, prevTsNs, mix);
  }

  /**
   * Reads and decompresses a chunk found by an earlier pass, wherever the walk is; the walk then
   * goes on from where it was.
   */
  chunkRecords(c: ChunkInfo, number: number): Uint8Array {
    this.decoder.reserve(CHUNK_HEADER_SIZE + c.compressedSize, c.recordCount * RECORD_SIZE);
    this.readInput(CHUNK_HEADER_SIZE, c.compressedSize, c.offset + CHUNK_HEADER_SIZE);
    this.buffered = 0;
    const [chunk, chunkNumber] = [this.chunk, this.chunkNumber];
    this.chunk = c;
    this.chunkNumber = number;
    try {
      return this.records();
    } finally {
      this.chunk = chunk;
      this.chunkNumber = chunkNumber;
    }
  }

  /** Calls `fn` for every record from where the walk is, in order; the record object is reused. */
  forEach(fn: (rec: EventRecord) => void): void {
    forEachRecord(this, fn);
  }

  private entryAgrees(number: number, c: ChunkInfo): boolean {
    const index = this.index!;
    const e = number * ENTRY;
    return e < index.length && index[e] === c.offset && index[e + 1] === c.firstTsNs &&
      index[e + 2] === c.lastTsNs && index[e + 3] === c.recordCount;
  }

  /** The index entries, when the file ends with a tail whose entries fit before it. */
  private readIndex(): Float64Array | null {
    const at = this.size - INDEX_TAIL_SIZE;
    if (at < HEADER_SIZE) return null;
    const bytes = new Uint8Array(INDEX_TAIL_SIZE);
    this.source.read(bytes, at);
    const tail = decodeIndexTail(new DataView(bytes.buffer), 0);
    const start = tail.indexOffset, count = tail.entryCount;
    if (tail.magic !== INDEX_MAGIC) return null;
    if (start < HEADER_SIZE || start + count * INDEX_ENTRY_SIZE !== at) return null;
    const raw = new Uint8Array(count * INDEX_ENTRY_SIZE);
    this.source.read(raw, start);
    const view = new DataView(raw.buffer);
    const index = new Float64Array(count * ENTRY);
    for (let i = 0; i < count; i++) {
      const e = decodeIndexEntry(view, i * INDEX_ENTRY_SIZE);
      index[i * ENTRY] = e.fileOffset;
      index[i * ENTRY + 1] = e.firstTsNs;
      index[i * ENTRY + 2] = e.lastTsNs;
      index[i * ENTRY + 3] = e.recordCount;
      index[i * ENTRY + 4] = e.reserved;
    }
    return index;
  }

  /** Reads `length` bytes of the file at `at` into input[into..]; a short read is a torn file. */
  private readInput(into: number, length: number, at: number): void {
    const input = this.decoder.input;
    const got = this.source.read(input.subarray(into, into + length), at);
    if (got !== length) {
      throw new DataError("the file ended while being read", {
        source: this.name,
        offset: at + got,
      });
    }
    if (this.inputView.buffer !== input.buffer || this.inputView.byteOffset !== input.byteOffset) {
      this.inputView = new DataView(input.buffer, input.byteOffset, input.byteLength);
    }
  }

  private finish(offset: number | null, why = ""): null {
    this.finished = true;
    this.chunk = null;
    if (offset !== null) {
      this.damage = `byte ${offset}: ${
        this.looksLikeIndex() ? "torn index (every chunk is intact)" : why
      }`;
    } else this.damage = this.closeProblem();
    return null;
  }

  /**
   * Why a file whose chunks all read is still not known complete: without a sound index it was
   * never closed. The header alone is how the C++ producer writes an empty session.
   */
  private closeProblem(): string | null {
    const flagged = (this.header.headerFlags & FLAG_HAS_INDEX) !== 0;
    const sound = this.index !== null && this.indexAgrees &&
      this.chunkNumber + 1 === this.index.length / ENTRY;
    if (sound) {
      return flagged
        ? null
        : `byte ${HEADER_FLAGS_OFFSET}: HAS_INDEX is not set though an index follows the chunks`;
    }
    if (this.index !== null) {
      return `byte ${this.dataEnd}: the index does not match the chunks`;
    }
    if (this.size === HEADER_SIZE && !flagged) return null;
    return flagged
      ? `byte ${this.size}: HAS_INDEX is set but the index is missing (the file was cut short)`
      : `byte ${this.size}: no index: the file was not closed (every chunk before is whole)`;
  }

  /** An index starts with the entry of the first chunk, whose offset is the header size. */
  private looksLikeIndex(): boolean {
    const present = this.decoder.input.subarray(0, Math.min(8, this.buffered));
    return present.every((b, i) => b === (i === 0 ? HEADER_SIZE : 0));
  }
}

/** A walk over chunks: the next one (null at the end), and its records split into fields. */
export interface ChunkWalk {
  next(): ChunkInfo | null;
  columns(): RecordColumns;
}

/** Calls `fn` for every record of the chunks `walk` gives, in order; the record object is reused. */
export function forEachRecord(walk: ChunkWalk, fn: (rec: EventRecord) => void): void {
  const rec = new ReusedRecord();
  for (let c = walk.next(); c; c = walk.next()) {
    const n = c.recordCount;
    const { tsNs, orderId, priceTicks, qty, type, side } = walk.columns();
    for (let i = 0; i < n; i++) {
      rec.tsNs = tsNs[i];
      rec.type = type[i];
      rec.side = side[i];
      rec.priceTicks = priceTicks[i];
      rec.qty = qty[i];
      rec.orderId = orderId[i];
      fn(rec);
    }
  }
}
