import { DataError } from "../core/errors.ts";
import { CHUNK_FLAG_CRC32C, chunkChecksum, headerChecksum, KNOWN_CHUNK_FLAGS } from "./checksum.ts";
import { CHUNK_HEADER_SIZE, FLAG_HAS_INDEX, HEADER_FLAGS_OFFSET, HEADER_SIZE } from "./header.ts";
import type { QrsdpReader } from "./reader.ts";
import { readU64, RECORD_SIZE } from "./record.ts";

export interface FileCheck {
  records: number;
  /** Events per type 0..5. */
  mix: number[];
  firstTsNs: number | null;
  lastTsNs: number | null;
  /** Every problem found, each with its byte offset; empty when the file is sound. */
  problems: string[];
  /** Chunks whose checksum was verified; the others were only checked for structure. */
  checksummed: number;
}

/**
 * Checks a file's chunks in order, as `info` and `replay` both read them: a chunk is sound when
 * its checksum (if it has one) matches, it decompresses to its size, its records have known
 * types and sides, its time bounds are its records', and time never goes back.
 */
export class ChunkVerifier {
  private readonly headerCrc: number;
  private prevTs = -1;
  /** Chunks whose checksum failed, and how many carried one. */
  failedChecksums = 0;
  checksummed = 0;

  constructor(private readonly reader: QrsdpReader) {
    this.headerCrc = headerChecksum(reader.bytes.subarray(0, HEADER_SIZE));
  }

  /** Chunk `i`'s raw records when it is sound, else why not, starting with its byte offset. */
  chunk(i: number, into?: Uint8Array): Uint8Array | string {
    const r = this.reader, c = r.chunks[i];
    const where = `byte ${c.offset}: chunk ${i}`;
    if (c.flags & ~KNOWN_CHUNK_FLAGS) return `${where}: unknown chunk_flags 0x${hex(c.flags)}`;
    if (c.flags & CHUNK_FLAG_CRC32C) {
      if (c.stored !== null) {
        const end = c.offset + CHUNK_HEADER_SIZE + c.compressedSize;
        const crc = chunkChecksum(this.headerCrc, r.bytes, c.offset, end);
        this.checksummed++;
        if (crc !== c.stored) {
          this.failedChecksums++;
          return `${where}: fails its checksum (CRC-32C ${hex(crc)}, index says ${hex(c.stored)})`;
        }
      }
    } else if (c.stored !== null && c.stored !== 0) {
      return `${where}: index entry's reserved field is ${hex(c.stored)}, not 0`;
    }
    let raw: Uint8Array;
    try {
      raw = r.chunkRecords(i, into);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      return e.located;
    }
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (
      readU64(view, 0) !== c.firstTsNs || readU64(view, raw.length - RECORD_SIZE) !== c.lastTsNs
    ) {
      return `${where}: header time bounds differ from its records`;
    }
    for (let o = 0; o < raw.length; o += RECORD_SIZE) {
      const ts = readU64(view, o);
      if (ts < this.prevTs) return `${where}: record ${o / RECORD_SIZE} goes back in time`;
      if (raw[o + 8] > 5 || raw[o + 9] > 2) {
        return `${where}: record ${o / RECORD_SIZE} has type ${raw[o + 8]} side ${raw[o + 9]}`;
      }
      this.prevTs = ts;
    }
    return raw;
  }
}

/** Every check `info` makes of a file: its structure, its flags, its checksums, its records. */
export function verifyFile(reader: QrsdpReader): FileCheck {
  const check: FileCheck = {
    records: 0,
    mix: [0, 0, 0, 0, 0, 0],
    firstTsNs: null,
    lastTsNs: null,
    problems: [],
    checksummed: 0,
  };
  if (reader.damage) check.problems.push(reader.damage);
  const unknown = reader.header.headerFlags & ~FLAG_HAS_INDEX;
  if (unknown) {
    check.problems.push(`byte ${HEADER_FLAGS_OFFSET}: unknown header_flags 0x${hex(unknown)}`);
  }
  const crcChunks = reader.chunks.filter((c) => c.flags & CHUNK_FLAG_CRC32C).length;
  if (crcChunks > 0 && crcChunks < reader.chunks.length) {
    const i = reader.chunks.findIndex((c) => !(c.flags & CHUNK_FLAG_CRC32C));
    check.problems.push(`byte ${reader.chunks[i].offset}: chunk ${i} has no checksum, others do`);
  }
  const verifier = new ChunkVerifier(reader);
  const chunkProblems: string[] = [];
  reader.chunks.forEach((chunk, i) => {
    const raw = verifier.chunk(i);
    if (typeof raw === "string") {
      chunkProblems.push(raw);
      return;
    }
    for (let o = 8; o < raw.length; o += RECORD_SIZE) check.mix[raw[o]]++;
    check.records += chunk.recordCount;
    check.firstTsNs ??= chunk.firstTsNs;
    check.lastTsNs = chunk.lastTsNs;
  });
  // The header is part of every chunk's checksum: when all of several fail, it is the header.
  if (verifier.failedChecksums === reader.chunks.length && reader.chunks.length > 1) {
    check.problems.push("byte 0: the header differs from what every chunk's checksum covers");
  } else check.problems.push(...chunkProblems);
  check.checksummed = verifier.checksummed;
  return check;
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}
