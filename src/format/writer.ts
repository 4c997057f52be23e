import {
  CHUNK_HEADER_SIZE,
  encodeChunkHeader,
  encodeHeader,
  encodeIndexEntry,
  encodeIndexTail,
  FLAG_HAS_INDEX,
  HEADER_FLAGS_OFFSET,
  HEADER_SIZE,
  INDEX_ENTRY_SIZE,
  INDEX_TAIL_SIZE,
} from "./header.ts";
import type { FileHeader, IndexEntry } from "./header.ts";
import { CHUNK_FLAG_CRC32C, headerChecksum } from "./checksum.ts";
import { FILE_SIZE_LIMIT } from "../core/file_limit.ts";
import { Lz4BlockCompressor } from "./lz4_block.ts";
import { encodeRecord, readU64, RECORD_SIZE } from "./record.ts";
import type { EventRecord } from "../core/events.ts";

/** Records encoded into the raw bytes of one chunk, until it holds `capacity` of them. */
export class ChunkBuffer {
  raw: Uint8Array;
  private view: DataView;
  count = 0;

  constructor(readonly capacity: number) {
    this.raw = new Uint8Array(capacity * RECORD_SIZE);
    this.view = new DataView(this.raw.buffer, this.raw.byteOffset, this.raw.byteLength);
  }

  /** Adds a record; true when the chunk is now full. */
  push(rec: EventRecord): boolean {
    encodeRecord(rec, this.view, this.count * RECORD_SIZE);
    return ++this.count === this.capacity;
  }

  /**
   * The first and last records' timestamps, read back from the chunk: kept in fields, they cost
   * a heap number per event (V8 boxes a double written to a field), 27 MB of garbage a day.
   */
  get firstTsNs(): number {
    return readU64(this.view, 0);
  }

  get lastTsNs(): number {
    return readU64(this.view, (this.count - 1) * RECORD_SIZE);
  }

  /** Empties the chunk, optionally switching to another buffer of the same size. */
  reset(raw: Uint8Array = this.raw): void {
    this.raw = raw;
    this.view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    this.count = 0;
  }
}

/** Shared by the writers of a thread: a block depends only on its input, and is written at once. */
let compressor: Lz4BlockCompressor | null = null;

/**
 * Streams one session to a `.qrsdp` file: header (flags 0), chunks as they are handed over, then
 * at `close()` the index and its tail, and finally HAS_INDEX (a session without events stays the
 * header alone, as the C++ producer leaves it). Memory is one chunk, whatever the
 * session length.
 */
export class QrsdpWriter {
  private readonly index: IndexEntry[] = [];
  private readonly headerCrc: number;
  private offset = HEADER_SIZE;
  private closed = false;

  private constructor(
    private readonly file: Deno.FsFile,
    private readonly path: string,
    header: FileHeader,
  ) {
    const encoded = encodeHeader({ ...header, headerFlags: 0 });
    this.headerCrc = headerChecksum(encoded);
    this.write(encoded, 0);
  }

  static create(path: string, header: FileHeader): QrsdpWriter {
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { write: true, create: true, truncate: true });
    } catch (e) {
      throw new Error(`${path}: cannot create (${(e as Error).message})`);
    }
    return new QrsdpWriter(file, path, header);
  }

  /** Compresses and appends one chunk of `count` raw records. */
  writeChunk(raw: Uint8Array, count: number, firstTsNs: number, lastTsNs: number): void {
    if (count === 0) return;
    const size = count * RECORD_SIZE;
    compressor ??= new Lz4BlockCompressor();
    const chunk = compressor.compressWithHeadroom(raw, size, CHUNK_HEADER_SIZE);
    const compressed = chunk.length - CHUNK_HEADER_SIZE;
    encodeChunkHeader(
      {
        uncompressedSize: size,
        compressedSize: compressed,
        recordCount: count,
        chunkFlags: CHUNK_FLAG_CRC32C,
        firstTsNs,
        lastTsNs,
      },
      new DataView(chunk.buffer, chunk.byteOffset, CHUNK_HEADER_SIZE),
      0,
    );
    const crc = compressor.checksum(this.headerCrc, chunk);
    this.write(chunk, this.offset);
    this.index.push({
      fileOffset: this.offset,
      firstTsNs,
      lastTsNs,
      recordCount: count,
      reserved: crc,
    });
    this.offset += CHUNK_HEADER_SIZE + compressed;
  }

  close(): void {
    if (this.closed) throw new Error("writer already closed");
    const n = this.index.length;
    if (n === 0) {
      // A session without events is the header alone, flags 0, as the C++ producer writes it.
      this.closed = true;
      this.file.close();
      return;
    }
    const tail = new Uint8Array(n * INDEX_ENTRY_SIZE + INDEX_TAIL_SIZE);
    const v = new DataView(tail.buffer);
    this.index.forEach((e, i) => encodeIndexEntry(e, v, i * INDEX_ENTRY_SIZE));
    encodeIndexTail({ entryCount: n, indexOffset: this.offset }, v, n * INDEX_ENTRY_SIZE);
    try {
      this.write(tail, this.offset);
      this.file.seekSync(HEADER_FLAGS_OFFSET, Deno.SeekMode.Start);
      const flags = new Uint8Array(4);
      new DataView(flags.buffer).setUint32(0, FLAG_HAS_INDEX, true);
      this.write(flags, HEADER_FLAGS_OFFSET);
    } finally {
      this.file.close();
      this.closed = true;
    }
  }

  /** Closes the file without an index, after a failed write; readers recover its whole chunks. */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    this.file.close();
  }

  /** Writes all of `bytes`, which belong at byte `at` of the file (for the error message). */
  private write(bytes: Uint8Array, at: number): void {
    if (at + bytes.length > FILE_SIZE_LIMIT) {
      throw new Error(
        `${this.path}: write failed at byte ${at} (the file size limit, ulimit -f, is ${FILE_SIZE_LIMIT} bytes)`,
      );
    }
    let done = 0;
    try {
      while (done < bytes.length) done += this.file.writeSync(bytes.subarray(done));
    } catch (e) {
      throw new Error(`${this.path}: write failed at byte ${at + done} (${(e as Error).message})`);
    }
  }
}
