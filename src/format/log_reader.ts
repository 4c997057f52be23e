import { DataError } from "../cli/errors.ts";
import type { ByteSource } from "./byte_source.ts";
import { fileSource } from "./byte_source.ts";
import {
  CHUNK_HEADER_SIZE,
  decodeChunkHeader,
  decodeHeader,
  FLAG_HAS_INDEX,
  HEADER_SIZE,
  INDEX_ENTRY_SIZE,
  INDEX_TAIL_SIZE,
} from "./header.ts";
import type { ChunkHeader, FileHeader } from "./header.ts";
import { compressBound } from "./lz4_block.ts";
import { Lz4BlockDecoder } from "./lz4_decoder.ts";
import type { RecordColumns, TypeCounts } from "./lz4_decoder.ts";
import { newRecord, readU64, RECORD_SIZE } from "./record.ts";
import type { EventRecord } from "./record.ts";

export interface ChunkInfo {
  offset: number;
  recordCount: number;
  compressedSize: number;
  firstTsNs: number;
  lastTsNs: number;
}

/** "QIDX" read as a little-endian u32. */
const INDEX_MAGIC_U32 = 0x58444951;

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
        `${source.name}: file is ${head.length} bytes, shorter than the ${HEADER_SIZE}-byte header`,
      );
    }
    this.header = decodeHeader(head, source.name);
    this.decoder.reserve(2 * CHUNK_HEADER_SIZE, 0);
    this.index = this.readIndex();
    this.dataEnd = this.index
      ? this.size - INDEX_TAIL_SIZE - this.index.length / 4 * INDEX_ENTRY_SIZE
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
    return !this.finished || (this.damage === null && this.chunkNumber === this.index.length / 4);
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
    this.decoder.input.copyWithin(0, end, end + following);
    this.buffered = following;
    this.offset = nextOffset;
    this.previousLastTs = h.lastTsNs;
    this.chunkNumber = number;
    this.chunk = {
      offset,
      recordCount: h.recordCount,
      compressedSize: h.compressedSize,
      firstTsNs: h.firstTsNs,
      lastTsNs: h.lastTsNs,
    };
    if (this.index && !this.entryAgrees(number, this.chunk)) this.indexAgrees = false;
    return this.chunk;
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
      throw new DataError(
        n < 0
          ? `${this.name}: byte ${
            start - 1 - n
          }: chunk ${this.chunkNumber}'s LZ4 block is malformed`
          : `${this.name}: byte ${start}: chunk ${this.chunkNumber} decompresses to ${n} bytes, not ${size}`,
      );
    }
    const out = this.decoder.output;
    if (this.view.buffer !== out.buffer || this.view.byteOffset !== out.byteOffset) {
      this.view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    }
    return out.subarray(0, size);
  }

  /** The chunk's records, decompressed and split into fields; valid until the next `next()`. */
  columns(): RecordColumns {
    this.records();
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

  /**
   * Calls `fn` for every record with `fromTsNs <= ts_ns <= toTsNs`, in order, from where the walk
   * is; with an index, chunks before `fromTsNs` are skipped without reading them. The record
   * object is reused between calls.
   */
  forEach(fn: (rec: EventRecord) => void, fromTsNs = 0, toTsNs = Infinity): void {
    if (fromTsNs > 0) this.skipTo(fromTsNs);
    const rec = newRecord();
    const whole = fromTsNs <= 0 && toTsNs === Infinity;
    for (let c = this.next(); c; c = this.next()) {
      if (c.lastTsNs < fromTsNs) continue;
      if (c.firstTsNs > toTsNs) break;
      const n = c.recordCount;
      const { tsNs, orderId, priceTicks, qty, type, side } = this.columns();
      for (let i = 0; i < n; i++) {
        const ts = tsNs[i];
        if (!whole && (ts < fromTsNs || ts > toTsNs)) continue;
        rec.tsNs = ts;
        rec.type = type[i];
        rec.side = side[i];
        rec.priceTicks = priceTicks[i];
        rec.qty = qty[i];
        rec.orderId = orderId[i];
        fn(rec);
      }
    }
  }

  /** Moves the walk to the first indexed chunk that ends at or after `tsNs`, if the index says. */
  private skipTo(tsNs: number): void {
    const index = this.index;
    if (!index || !this.indexAgrees || this.chunkNumber !== -1) return;
    let i = 0;
    while (i * 4 < index.length && index[i * 4 + 2] < tsNs) i++;
    if (i === 0 || i * 4 === index.length) return;
    const offset = index[i * 4];
    if (offset + CHUNK_HEADER_SIZE > this.dataEnd) return;
    this.readInput(0, CHUNK_HEADER_SIZE, offset);
    const h = decodeChunkHeader(this.inputView, 0);
    const skipped = { offset, ...h };
    if (headerProblem(h, this.header.chunkCapacity) || !this.entryAgrees(i, skipped)) {
      this.buffered = 0;
      return;
    }
    this.offset = offset;
    this.buffered = CHUNK_HEADER_SIZE;
    this.chunkNumber = i - 1;
    this.previousLastTs = index[(i - 1) * 4 + 2];
  }

  private entryAgrees(number: number, c: ChunkInfo): boolean {
    const index = this.index!;
    const e = number * 4;
    return e < index.length && index[e] === c.offset && index[e + 1] === c.firstTsNs &&
      index[e + 2] === c.lastTsNs && index[e + 3] === c.recordCount;
  }

  /** The index entries, when the file ends with a tail whose entries fit before it. */
  private readIndex(): Float64Array | null {
    const tail = this.size - INDEX_TAIL_SIZE;
    if (tail < HEADER_SIZE) return null;
    const bytes = new Uint8Array(INDEX_TAIL_SIZE);
    this.source.read(bytes, tail);
    const v = new DataView(bytes.buffer);
    const count = v.getUint32(0, true);
    const start = readU64(v, 8);
    if (v.getUint32(4, true) !== INDEX_MAGIC_U32) return null;
    if (start < HEADER_SIZE || start + count * INDEX_ENTRY_SIZE !== tail) return null;
    const raw = new Uint8Array(count * INDEX_ENTRY_SIZE);
    this.source.read(raw, start);
    const rv = new DataView(raw.buffer);
    const index = new Float64Array(count * 4);
    for (let i = 0; i < count; i++) {
      const e = i * INDEX_ENTRY_SIZE;
      index[i * 4] = readU64(rv, e);
      index[i * 4 + 1] = readU64(rv, e + 8);
      index[i * 4 + 2] = readU64(rv, e + 16);
      index[i * 4 + 3] = rv.getUint32(e + 24, true);
    }
    return index;
  }

  /** Reads `length` bytes of the file at `at` into input[into..]; a short read is a torn file. */
  private readInput(into: number, length: number, at: number): void {
    const input = this.decoder.input;
    const got = this.source.read(input.subarray(into, into + length), at);
    if (got !== length) {
      throw new DataError(`${this.name}: byte ${at + got}: the file ended while being read`);
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
    }
    return null;
  }

  /** An index starts with the entry of the first chunk, whose offset is the header size. */
  private looksLikeIndex(): boolean {
    const present = this.decoder.input.subarray(0, Math.min(8, this.buffered));
    return present.every((b, i) => b === (i === 0 ? HEADER_SIZE : 0));
  }
}
