import lz4 from "lz4js";
import { DataError } from "../core/errors.ts";
import { MAX_QRSDP_BYTES, readRegularFile } from "../core/safe_read.ts";
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
import type { FileHeader } from "./header.ts";
import { compressBound } from "./lz4_block.ts";
import { newRecord } from "../core/events.ts";
import type { EventRecord } from "../core/events.ts";
import { decodeRecord, RECORD_SIZE } from "./record.ts";

export interface ChunkInfo {
  offset: number;
  recordCount: number;
  compressedSize: number;
  firstTsNs: number;
  lastTsNs: number;
  /** chunk_flags of its header. */
  flags: number;
  /** The index entry's `reserved` field (its checksum when flags say so); null when walked. */
  stored: number | null;
}

/**
 * Reads a `.qrsdp` file held in memory. Chunks come from the index when the file has a sound one,
 * else from walking chunk headers from byte 64; a file cut short keeps every complete chunk and
 * `damage` says where and why the rest was not readable.
 */
export class QrsdpReader {
  readonly header: FileHeader;
  readonly chunks: ChunkInfo[];
  readonly indexed: boolean;
  /** Why reading stopped before the end of the file, with the byte offset; null if it did not. */
  readonly damage: string | null;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array, readonly source: string) {
    this.header = decodeHeader(bytes, source);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const flagged = (this.header.headerFlags & FLAG_HAS_INDEX) !== 0;
    const fromIndex = flagged ? this.readIndex() : null;
    this.indexed = fromIndex !== null;
    if (fromIndex) {
      this.chunks = fromIndex;
      this.damage = null;
      return;
    }
    const indexStart = this.indexStart();
    const [chunks, torn] = this.walk(indexStart ?? bytes.length);
    this.chunks = chunks;
    // A file without a sound index is never complete for sure: whole chunks are all it has. The
    // one exception is the header alone, which is how the C++ producer writes an empty session.
    const headerOnly = bytes.length === HEADER_SIZE && !flagged;
    this.damage = torn ??
      (headerOnly
        ? null
        : (flagged
          ? `byte ${indexStart ?? bytes.length}: HAS_INDEX is set but the index ${
            indexStart === null
              ? "is missing (the file was cut short)"
              : "does not match the chunks"
          }`
          : indexStart === null
          ? `byte ${bytes.length}: no index: the file was not closed (every chunk before is whole)`
          : `byte ${HEADER_FLAGS_OFFSET}: HAS_INDEX is not set though an index follows the chunks`));
  }

  /** Reads a regular file of at most MAX_QRSDP_BYTES (never a device or a FIFO). */
  static open(path: string): QrsdpReader {
    return new QrsdpReader(readRegularFile(path, MAX_QRSDP_BYTES), path);
  }

  get recordCount(): number {
    let n = 0;
    for (const c of this.chunks) n += c.recordCount;
    return n;
  }

  /**
   * The raw 26-byte records of chunk `i`, decompressed into `into` when given (it must hold the
   * chunk), else into a new array.
   */
  chunkRecords(i: number, into?: Uint8Array): Uint8Array {
    const c = this.chunks[i];
    const size = c.recordCount * RECORD_SIZE;
    const out = into ? into.subarray(0, size) : new Uint8Array(size);
    const start = c.offset + CHUNK_HEADER_SIZE;
    const n = lz4.decompressBlock(this.bytes, out, start, c.compressedSize, 0);
    if (n !== size) {
      throw new DataError(
        `chunk ${i} does not decompress to ${size} bytes (got ${n})`,
        { source: this.source, offset: start },
      );
    }
    return out;
  }

  /** Calls `fn` for every record in order; the record object is reused between calls. */
  forEach(fn: (rec: EventRecord) => void): void {
    const rec = newRecord();
    let largest = 0;
    for (const c of this.chunks) largest = Math.max(largest, c.recordCount);
    const buffer = new Uint8Array(largest * RECORD_SIZE);
    const view = new DataView(buffer.buffer);
    for (let i = 0; i < this.chunks.length; i++) {
      const size = this.chunkRecords(i, buffer).length;
      for (let o = 0; o < size; o += RECORD_SIZE) {
        fn(decodeRecord(view, o, rec));
      }
    }
  }

  /** The chunk list from a sound index, else null (the file is then walked instead). */
  private readIndex(): ChunkInfo[] | null {
    const start = this.indexStart();
    if (start === null) return null;
    const count = (this.bytes.length - INDEX_TAIL_SIZE - start) / INDEX_ENTRY_SIZE;
    const chunks: ChunkInfo[] = [];
    let expected = HEADER_SIZE;
    for (let i = 0; i < count; i++) {
      const entry = decodeIndexEntry(this.view, start + i * INDEX_ENTRY_SIZE);
      if (entry.fileOffset !== expected) return null;
      const chunk = this.chunkAt(entry.fileOffset, start);
      if (typeof chunk === "string") return null;
      if (
        chunk.recordCount !== entry.recordCount || chunk.firstTsNs !== entry.firstTsNs ||
        chunk.lastTsNs !== entry.lastTsNs
      ) return null;
      chunk.stored = entry.reserved;
      chunks.push(chunk);
      expected = entry.fileOffset + CHUNK_HEADER_SIZE + chunk.compressedSize;
    }
    return expected === start ? chunks : null;
  }

  /** Where the index starts, when the file ends with a tail that fits it (HAS_INDEX or not). */
  private indexStart(): number | null {
    const at = this.bytes.length - INDEX_TAIL_SIZE;
    if (at < HEADER_SIZE) return null;
    const tail = decodeIndexTail(this.view, at);
    if (tail.magic !== INDEX_MAGIC) return null;
    return tail.indexOffset + tail.entryCount * INDEX_ENTRY_SIZE === at ? tail.indexOffset : null;
  }

  /** An index starts with the entry of the first chunk, whose offset is the header size. */
  private looksLikeIndex(offset: number): boolean {
    const present = this.bytes.subarray(offset, offset + 8);
    return present.every((b, i) => b === (i === 0 ? HEADER_SIZE : 0));
  }

  private walk(end: number): [ChunkInfo[], string | null] {
    const chunks: ChunkInfo[] = [];
    let offset = HEADER_SIZE;
    while (offset < end) {
      const chunk = this.chunkAt(offset, end);
      if (typeof chunk === "string") {
        const why = this.looksLikeIndex(offset) ? "torn index (every chunk is intact)" : chunk;
        return [chunks, `byte ${offset}: ${why}`];
      }
      const prev = chunks[chunks.length - 1];
      if (prev && chunk.firstTsNs < prev.lastTsNs) {
        return [chunks, `byte ${offset}: chunk ${chunks.length} starts before the previous ends`];
      }
      chunks.push(chunk);
      offset += CHUNK_HEADER_SIZE + chunk.compressedSize;
    }
    return [chunks, null];
  }

  /** The chunk whose header is at `offset`, or why there is no complete chunk there. */
  private chunkAt(offset: number, end: number): ChunkInfo | string {
    if (offset + CHUNK_HEADER_SIZE > end) {
      return `torn chunk header: ${end - offset} of ${CHUNK_HEADER_SIZE} bytes present`;
    }
    const h = decodeChunkHeader(this.view, offset);
    const cap = this.header.chunkCapacity;
    if (h.recordCount === 0 || h.recordCount > cap) {
      return `chunk header says ${h.recordCount} records (capacity ${cap})`;
    }
    if (h.uncompressedSize !== h.recordCount * RECORD_SIZE) {
      return `chunk header says ${h.uncompressedSize} bytes for ${h.recordCount} records`;
    }
    if (h.compressedSize === 0 || h.compressedSize > compressBound(h.uncompressedSize)) {
      return `chunk header has an impossible compressed size ${h.compressedSize}`;
    }
    if (h.firstTsNs > h.lastTsNs) return "chunk header's first_ts_ns is after its last_ts_ns";
    const dataEnd = offset + CHUNK_HEADER_SIZE + h.compressedSize;
    if (dataEnd > end) {
      return `torn chunk: ${
        end - offset - CHUNK_HEADER_SIZE
      } of ${h.compressedSize} data bytes present`;
    }
    return {
      offset,
      recordCount: h.recordCount,
      compressedSize: h.compressedSize,
      firstTsNs: h.firstTsNs,
      lastTsNs: h.lastTsNs,
      flags: h.chunkFlags,
      stored: null,
    };
  }
}
