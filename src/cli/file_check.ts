import { DataError } from "../core/errors.ts";
import type { EventRecord } from "../core/events.ts";
import { LogReader } from "../format/log_reader.ts";
import { decodeRecord, RECORD_SIZE } from "../format/record.ts";
import { verifyFile } from "../format/verify.ts";
import type { FileCheck } from "../format/verify.ts";

/** The first `n` records of the file, fewer if its first chunks do not hold them. */
export function firstRecords(path: string, n: number): EventRecord[] {
  const out: EventRecord[] = [];
  const reader = LogReader.open(path);
  try {
    while (out.length < n && reader.next()) {
      const size = reader.records().length;
      for (let o = 0; o < size && out.length < n; o += RECORD_SIZE) {
        out.push(decodeRecord(reader.view, o));
      }
    }
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
  } finally {
    reader.close();
  }
  return out;
}

/** Reads the whole file once, streaming, and checks it. */
export function checkFile(path: string): { reader: LogReader; check: FileCheck } {
  const reader = LogReader.open(path);
  try {
    return { reader, check: verifyFile(reader) };
  } finally {
    reader.close();
  }
}
