// Fixtures for the unit tests of the modules that read logs.
import type { EventRecord } from "../core/events.ts";
import { VERSION_MAJOR, VERSION_MINOR } from "./header.ts";
import type { FileHeader } from "./header.ts";
import { RECORD_SIZE } from "./record.ts";
import { ChunkBuffer, QrsdpWriter } from "./writer.ts";

/** A small session's header, with chunks of 4 records. */
export const TEST_HEADER: FileHeader = {
  versionMajor: VERSION_MAJOR,
  versionMinor: VERSION_MINOR,
  recordSize: RECORD_SIZE,
  seed: 1n,
  p0Ticks: 10000,
  tickSize: 100,
  sessionSeconds: 60,
  levelsPerSide: 5,
  initialSpreadTicks: 2,
  initialDepth: 5,
  chunkCapacity: 4,
  headerFlags: 0,
  marketOpenNs: 0,
};

/** The bytes of a closed, indexed file of `records` under TEST_HEADER. */
export function testLogBytes(records: EventRecord[]): Uint8Array {
  const path = Deno.makeTempFileSync();
  const writer = QrsdpWriter.create(path, TEST_HEADER);
  const chunk = new ChunkBuffer(TEST_HEADER.chunkCapacity);
  const flush = () => {
    writer.writeChunk(chunk.raw, chunk.count, chunk.firstTsNs, chunk.lastTsNs);
    chunk.reset();
  };
  for (const r of records) if (chunk.push(r)) flush();
  if (chunk.count > 0) flush();
  writer.close();
  const bytes = Deno.readFileSync(path);
  Deno.removeSync(path);
  return bytes;
}
