import { DataError } from "../core/errors.ts";
import type { LogReader } from "./log_reader.ts";
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
}

/**
 * Reads every chunk from where `reader` is to the end and checks it against format.md: record
 * fields in range, chunk bounds equal to its records' timestamps, timestamps never decreasing.
 */
export function verifyFile(reader: LogReader): FileCheck {
  const check: FileCheck = {
    records: 0,
    chunks: 0,
    mix: [0, 0, 0, 0, 0, 0],
    firstTsNs: null,
    lastTsNs: null,
    problems: [],
  };
  const mix = check.mix;
  let prevTs = -1;
  for (let chunk = reader.next(); chunk; chunk = reader.next()) {
    check.chunks++;
    let raw: Uint8Array;
    try {
      raw = reader.records();
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      check.problems.push(e.located);
      continue;
    }
    const view = reader.view;
    const where = `byte ${chunk.offset}: chunk ${reader.chunkNumber}`;
    const first = readU64(view, 0);
    const last = readU64(view, raw.length - RECORD_SIZE);
    if (first !== chunk.firstTsNs || last !== chunk.lastTsNs) {
      check.problems.push(`${where}: header time bounds differ from its records`);
    }
    const bad = reader.tally(prevTs, mix);
    if (bad >= 0) {
      const o = bad * RECORD_SIZE;
      check.problems.push(
        readU64(view, o) < (bad > 0 ? readU64(view, o - RECORD_SIZE) : prevTs)
          ? `${where}: record ${bad} goes back in time`
          : `${where}: record ${bad} has type ${raw[o + 8]} side ${raw[o + 9]}`,
      );
      continue;
    }
    prevTs = last;
    check.records += chunk.recordCount;
    check.firstTsNs ??= first;
    check.lastTsNs = last;
  }
  if (reader.damage) check.problems.push(reader.damage);
  return check;
}
