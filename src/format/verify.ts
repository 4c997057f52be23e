import { DataError } from "../core/errors.ts";
import { CHUNK_FLAG_CRC32C, KNOWN_CHUNK_FLAGS } from "./checksum.ts";
import { FLAG_HAS_INDEX, HEADER_FLAGS_OFFSET } from "./header.ts";
import type { LogReader } from "./log_reader.ts";
import type { TypeCounts } from "./lz4_decoder.ts";
import { readU64, RECORD_SIZE } from "./record.ts";

export interface FileCheck {
  records: number;
  chunks: number;
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
 * Checks the chunks of a streaming reader as `info` and `replay` both read them: a chunk is sound
 * when its checksum (if it has one) matches, it decompresses to its size, its time bounds are its
 * records', and its records are in order after the previous chunk's, with known types and sides.
 */
export class ChunkVerifier {
  private prevTs = -1;
  /** Chunks whose checksum failed, and how many carried one. */
  failedChecksums = 0;
  checksummed = 0;

  /** `checksums` false skips the CRC-32C (`--no-verify`): structure and records are still checked. */
  constructor(
    private readonly reader: LogReader,
    private readonly mix: TypeCounts,
    private readonly checksums = true,
  ) {}

  /** The chunk `next()` returned, decompressed when sound (null), else why not. */
  check(): string | null {
    const r = this.reader, c = r.chunk!;
    const where = chunkPlace(r);
    if (c.flags & ~KNOWN_CHUNK_FLAGS) {
      return `${where}: unknown chunk_flags 0x${hex(c.flags)}`;
    }
    if (c.flags & CHUNK_FLAG_CRC32C) {
      if (c.stored !== null && this.checksums) {
        this.checksummed++;
        const crc = r.checksum();
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
      raw = r.records();
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      return e.located;
    }
    const view = r.view;
    const first = readU64(view, 0);
    const last = readU64(view, raw.length - RECORD_SIZE);
    if (first !== c.firstTsNs || last !== c.lastTsNs) {
      return `${where}: header time bounds differ from its records`;
    }
    const bad = r.tally(this.prevTs, this.mix);
    if (bad >= 0) {
      const o = bad * RECORD_SIZE;
      return readU64(view, o) < (bad > 0 ? readU64(view, o - RECORD_SIZE) : this.prevTs)
        ? `${where}: record ${bad} goes back in time`
        : `${where}: record ${bad} has type ${raw[o + 8]} side ${raw[o + 9]}`;
    }
    this.prevTs = last;
    return null;
  }
}

/**
 * Reads every chunk from where `reader` is to the end and checks it (ChunkVerifier), then the
 * file as a whole: its flags, its index, checksums on every chunk or none. `onChunk` hears of each
 * chunk once checked, while the reader still holds it (its records decompressed when sound).
 */
export function verifyFile(
  reader: LogReader,
  onChunk: (sound: boolean) => void = () => {},
): FileCheck {
  const check: FileCheck = {
    records: 0,
    chunks: 0,
    mix: [0, 0, 0, 0, 0, 0],
    firstTsNs: null,
    lastTsNs: null,
    problems: [],
    checksummed: 0,
  };
  const unknown = reader.header.headerFlags & ~FLAG_HAS_INDEX;
  if (unknown) {
    check.problems.push(`byte ${HEADER_FLAGS_OFFSET}: unknown header_flags 0x${hex(unknown)}`);
  }
  const verifier = new ChunkVerifier(reader, check.mix);
  const chunkProblems: string[] = [];
  let withCrc = 0, withoutCrc: string | null = null;
  for (let chunk = reader.next(); chunk; chunk = reader.next()) {
    check.chunks++;
    if (chunk.flags & CHUNK_FLAG_CRC32C) withCrc++;
    else withoutCrc ??= `${chunkPlace(reader)} has no checksum, others do`;
    const problem = verifier.check();
    onChunk(problem === null);
    if (problem) {
      chunkProblems.push(problem);
      continue;
    }
    check.records += chunk.recordCount;
    check.firstTsNs ??= chunk.firstTsNs;
    check.lastTsNs = chunk.lastTsNs;
  }
  if (withCrc > 0 && withoutCrc) check.problems.push(withoutCrc);
  // The header is part of every chunk's checksum: when all of several fail, it is the header.
  if (verifier.failedChecksums === check.chunks && check.chunks > 1) {
    check.problems.push("byte 0: the header differs from what every chunk's checksum covers");
  } else check.problems.push(...chunkProblems);
  if (reader.damage) check.problems.push(reader.damage);
  check.checksummed = verifier.checksummed;
  return check;
}

/** "byte B: chunk N", where the reader's current chunk is. */
function chunkPlace(r: LogReader): string {
  return `byte ${r.chunk!.offset}: chunk ${r.chunkNumber}`;
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}
