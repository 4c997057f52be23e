import { DataError } from "../cli/errors.ts";
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
      check.problems.push(e.message.slice(reader.name.length + 2));
      continue;
    }
    const view = reader.view;
    const where = `byte ${chunk.offset}: chunk ${reader.chunkNumber}`;
    const first = readU64(view, 0);
    const last = readU64(view, raw.length - RECORD_SIZE);
    if (first !== chunk.firstTsNs || last !== chunk.lastTsNs) {
      check.problems.push(`${where}: header time bounds differ from its records`);
    }
    const problem = checkRecords(raw, view, prevTs, mix);
    if (problem) {
      check.problems.push(`${where}: ${problem}`);
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

/**
 * Counts the chunk's records into `mix`, or says which record is out of order or out of range
 * (the chunk then counts for nothing).
 */
function checkRecords(raw: Uint8Array, view: DataView, prevTs: number, mix: number[]) {
  const counts = [0, 0, 0, 0, 0, 0];
  for (let o = 0; o < raw.length; o += RECORD_SIZE) {
    const ts = readU64(view, o);
    const type = raw[o + 8];
    if (ts < prevTs) return `record ${o / RECORD_SIZE} goes back in time`;
    if (type > 5 || raw[o + 9] > 2) {
      return `record ${o / RECORD_SIZE} has type ${type} side ${raw[o + 9]}`;
    }
    prevTs = ts;
    counts[type]++;
  }
  for (let t = 0; t < 6; t++) mix[t] += counts[t];
  return null;
}
