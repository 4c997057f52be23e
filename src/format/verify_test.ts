import assert from "node:assert/strict";
import { memorySource } from "./byte_source.ts";
import { decodeChunkHeader } from "./header.ts";
import { LogReader } from "./log_reader.ts";
import { newRecord } from "../core/events.ts";
import type { EventRecord } from "../core/events.ts";
import { verifyFile } from "./verify.ts";
import { testLogBytes } from "./test_log.ts";

/** A file of 3 chunks of 4 records each, after `change` has edited the records. */
function file(change: (recs: EventRecord[]) => void = () => {}): Uint8Array {
  const recs = Array.from({ length: 12 }, (_, i) => ({
    ...newRecord(),
    tsNs: 1000 + 10 * i,
    type: i % 6,
    side: i % 2,
    orderId: i + 1,
  }));
  change(recs);
  return testLogBytes(recs);
}

const check = (bytes: Uint8Array) => verifyFile(new LogReader(memorySource(bytes, "f")));

Deno.test("a sound file: every record counted by type, no problem", () => {
  const c = check(file());
  assert.deepEqual(c.problems, []);
  assert.equal(c.records, 12);
  assert.equal(c.chunks, 3);
  assert.deepEqual(c.mix, [2, 2, 2, 2, 2, 2]);
  assert.equal(c.firstTsNs, 1000);
  assert.equal(c.lastTsNs, 1110);
});

Deno.test("a record back in time, or out of range, is named with its chunk's byte offset", () => {
  const back = check(file((r) => r[6].tsNs = 1045));
  assert.equal(back.problems.length, 1);
  assert.match(back.problems[0], /^byte \d+: chunk 1: record 2 goes back in time$/);
  assert.equal(back.records, 8, "the chunk counts for nothing");
  assert.deepEqual(back.mix, [1, 1, 2, 2, 1, 1]);

  const type = check(file((r) => r[9].type = 6));
  assert.match(type.problems[0], /^byte \d+: chunk 2: record 1 has type 6 side 1$/);
  const side = check(file((r) => r[0].side = 3));
  assert.match(side.problems[0], /^byte 64: chunk 0: record 0 has type 0 side 3$/);
  // A chunk starting before the previous one ends is where walking the file stops.
  const acrossBytes = file((r) => r[4].tsNs = 1025);
  const across = check(acrossBytes);
  const chunk1 = 64 + 32 + decodeChunkHeader(new DataView(acrossBytes.buffer), 64).compressedSize;
  assert.deepEqual(across.problems, [`byte ${chunk1}: chunk 1 starts before the previous ends`]);
  assert.equal(across.records, 4);
});
