import { MAX_QRSDP_BYTES, readRegularFile } from "../core/safe_read.ts";
import { memorySource } from "./byte_source.ts";
import type { FileHeader } from "./header.ts";
import { LogReader } from "./log_reader.ts";
import type { ChunkInfo } from "./log_reader.ts";
import type { EventRecord } from "../core/events.ts";

export type { ChunkInfo };

/**
 * A `.qrsdp` file held in memory, with every chunk listed up front for random access (tests and
 * small tools). Commands stream files with `LogReader` instead.
 */
export class QrsdpReader {
  readonly header: FileHeader;
  readonly chunks: ChunkInfo[] = [];
  readonly indexed: boolean;
  /** Why reading stopped before the end of the file, with the byte offset; null if it did not. */
  readonly damage: string | null;

  constructor(readonly bytes: Uint8Array, readonly source: string) {
    const log = this.stream();
    this.header = log.header;
    for (let c = log.next(); c; c = log.next()) this.chunks.push(c);
    this.indexed = log.indexed;
    this.damage = log.damage;
    log.close();
  }

  /** A streaming reader over the same bytes, from the start; close it after use. */
  stream(): LogReader {
    return new LogReader(memorySource(this.bytes, this.source));
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

  /** A copy of the raw 26-byte records of chunk `i`. */
  chunkRecords(i: number): Uint8Array {
    const log = this.stream();
    try {
      return log.chunkRecords(this.chunks[i], i).slice();
    } finally {
      log.close();
    }
  }

  /** Calls `fn` for every record in order; the record object is reused between calls. */
  forEach(fn: (rec: EventRecord) => void): void {
    const log = this.stream();
    try {
      log.forEach(fn);
    } finally {
      log.close();
    }
  }
}
