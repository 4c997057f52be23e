import type { EventRecord } from "../core/events.ts";
import { LogReader } from "../format/log_reader.ts";
import { decodeRecord, RECORD_SIZE } from "../format/record.ts";
import { verifyFile } from "../format/verify.ts";
import type { FileCheck } from "../format/verify.ts";

/**
 * Reads the whole file once, streaming, and checks it; keeps its first `n` records, those of the
 * sound chunks at its start.
 */
export function checkFile(
  path: string,
  n = 0,
): { reader: LogReader; check: FileCheck; first: EventRecord[] } {
  const reader = LogReader.open(path);
  const first: EventRecord[] = [];
  let more = n > 0;
  const keep = (sound: boolean) => {
    if (!more) return;
    const size = sound ? reader.chunk!.recordCount * RECORD_SIZE : 0;
    for (let o = 0; o < size && first.length < n; o += RECORD_SIZE) {
      first.push(decodeRecord(reader.view, o));
    }
    more = sound && first.length < n;
  };
  try {
    return { reader, check: verifyFile(reader, keep), first };
  } finally {
    reader.close();
  }
}
