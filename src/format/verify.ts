import { DataError } from "../core/errors.ts";
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
}

/**
 * Decompresses every chunk and checks it against format.md: record fields in range, chunk
 * bounds equal to its records' timestamps, timestamps never decreasing.
 */
export function verifyFile(reader: QrsdpReader): FileCheck {
  const check: FileCheck = {
    records: 0,
    mix: [0, 0, 0, 0, 0, 0],
    firstTsNs: null,
    lastTsNs: null,
    problems: [],
  };
  if (reader.damage) check.problems.push(reader.damage);
  let prevTs = -1;
  reader.chunks.forEach((chunk, i) => {
    let raw: Uint8Array;
    try {
      raw = reader.chunkRecords(i);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      check.problems.push(e.located);
      return;
    }
    const view = new DataView(raw.buffer);
    const where = `byte ${chunk.offset}: chunk ${i}`;
    const first = readU64(view, 0);
    const last = readU64(view, raw.length - RECORD_SIZE);
    if (first !== chunk.firstTsNs || last !== chunk.lastTsNs) {
      check.problems.push(`${where}: header time bounds differ from its records`);
    }
    for (let o = 0; o < raw.length; o += RECORD_SIZE) {
      const ts = readU64(view, o);
      const type = raw[o + 8];
      if (ts < prevTs) {
        check.problems.push(`${where}: record ${o / RECORD_SIZE} goes back in time`);
        return;
      }
      if (type > 5 || raw[o + 9] > 2) {
        check.problems.push(
          `${where}: record ${o / RECORD_SIZE} has type ${type} side ${raw[o + 9]}`,
        );
        return;
      }
      prevTs = ts;
      check.mix[type]++;
    }
    check.records += chunk.recordCount;
    check.firstTsNs ??= first;
    check.lastTsNs = last;
  });
  return check;
}
