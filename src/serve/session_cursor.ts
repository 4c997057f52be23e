import lz4 from "lz4js";
import {
  CHUNK_HEADER_SIZE,
  decodeChunkHeader,
  decodeHeader,
  FLAG_HAS_INDEX,
  HEADER_FLAGS_OFFSET,
  HEADER_SIZE,
} from "../format/header.ts";
import type { FileHeader } from "../format/header.ts";
import { compressBound } from "../format/lz4_block.ts";
import { RECORD_SIZE } from "../format/record.ts";

/**
 * Reads one session file chunk by chunk from the front, also while it is still being written:
 * `next()` returns the records of the next complete chunk, or null when none is there yet.
 * The file is closed once it is finished (its index written) and every chunk was read.
 */
export class SessionCursor {
  header: FileHeader | null = null;
  finished = false;
  private file: Deno.FsFile | null = null;
  private offset = HEADER_SIZE;
  private readonly chunkHead = new Uint8Array(CHUNK_HEADER_SIZE);

  constructor(readonly path: string) {}

  /** Opens the file and reads its header; false while the file or its header is not there. */
  private ready(): boolean {
    if (this.header) return true;
    try {
      this.file ??= Deno.openSync(this.path, { read: true });
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return false;
      throw e;
    }
    const head = this.readAt(0, HEADER_SIZE);
    if (!head) return false;
    this.header = decodeHeader(head, this.path);
    return true;
  }

  /**
   * The raw records of the next complete chunk, or null when there is none yet. With
   * `growing` false a missing chunk means the end (a run that stopped or crashed).
   */
  next(growing: boolean): Uint8Array | null {
    if (this.finished || !this.ready()) return null;
    const chunk = this.readChunk();
    if (chunk) return chunk;
    if (!growing || this.indexWritten()) this.close();
    return null;
  }

  close(): void {
    this.finished = true;
    this.file?.close();
    this.file = null;
  }

  private readChunk(): Uint8Array | null {
    if (!this.readAt(this.offset, CHUNK_HEADER_SIZE, this.chunkHead)) return null;
    const h = decodeChunkHeader(new DataView(this.chunkHead.buffer), 0);
    const cap = this.header!.chunkCapacity;
    const sound = h.recordCount > 0 && h.recordCount <= cap &&
      h.uncompressedSize === h.recordCount * RECORD_SIZE && h.compressedSize > 0 &&
      h.compressedSize <= compressBound(h.uncompressedSize);
    // Not a chunk header: the index (or damage), so no more chunks follow.
    if (!sound) return null;
    const data = this.readAt(this.offset + CHUNK_HEADER_SIZE, h.compressedSize);
    if (!data) return null;
    const out = new Uint8Array(h.uncompressedSize);
    const n = lz4.decompressBlock(data, out, 0, h.compressedSize, 0);
    if (n !== out.length) return null;
    this.offset += CHUNK_HEADER_SIZE + h.compressedSize;
    return out;
  }

  private indexWritten(): boolean {
    const flags = this.readAt(HEADER_FLAGS_OFFSET, 4);
    return flags !== null && (new DataView(flags.buffer).getUint32(0, true) & FLAG_HAS_INDEX) !== 0;
  }

  /** Exactly `size` bytes at `at`, or null when the file is shorter. */
  private readAt(at: number, size: number, into = new Uint8Array(size)): Uint8Array | null {
    const file = this.file!;
    file.seekSync(at, Deno.SeekMode.Start);
    let got = 0;
    while (got < size) {
      const n = file.readSync(into.subarray(got));
      if (n === null || n === 0) return null;
      got += n;
    }
    return into;
  }
}
