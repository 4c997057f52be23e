import assert from "node:assert/strict";
import { DataError } from "../core/errors.ts";
import { newRecord } from "../core/events.ts";
import { memorySource } from "./byte_source.ts";
import { INDEX_ENTRY_SIZE, INDEX_TAIL_SIZE } from "./header.ts";
import { LogReader } from "./log_reader.ts";
import { verifyFile } from "./verify.ts";
import { testLogBytes } from "./test_log.ts";

/** A file of 10 records in chunks of 4 (4, 4, 2), with its index. */
const file = () =>
  testLogBytes(
    Array.from(
      { length: 10 },
      (_, i) => ({ ...newRecord(), tsNs: 100 * i, orderId: i + 1, qty: 1 }),
    ),
  );

function readAll(bytes: Uint8Array) {
  const reader = new LogReader(memorySource(bytes, "f"));
  const ids: number[] = [];
  reader.forEach((r) => ids.push(r.orderId));
  return { reader, ids };
}

const ALL = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

Deno.test("a whole file: every record in order, indexed, no damage", () => {
  const { reader, ids } = readAll(file());
  assert.deepEqual(ids, ALL);
  assert.equal(reader.indexed, true);
  assert.equal(reader.damage, null);
  assert.equal(reader.chunkNumber, 2);
});

Deno.test("an index that disagrees with the chunks: every record still read, not indexed", () => {
  const bytes = file();
  const tail = bytes.length - INDEX_TAIL_SIZE;
  bytes[tail - 3 * INDEX_ENTRY_SIZE + 24] = 3; // first entry's record count
  const { reader, ids } = readAll(bytes);
  assert.deepEqual(ids, ALL);
  assert.equal(reader.indexed, false);
  assert.match(reader.damage!, /^byte \d+: the index does not match the chunks$/);
});

Deno.test("a file cut after its last chunk, before the index: not indexed, not closed", () => {
  const bytes = file();
  const indexStart = bytes.length - INDEX_TAIL_SIZE - 3 * INDEX_ENTRY_SIZE;
  const cut = bytes.slice(0, indexStart);
  cut[52] = 0; // HAS_INDEX is set only after the index is written
  const { reader, ids } = readAll(cut);
  assert.deepEqual(ids, ALL);
  assert.equal(reader.indexed, false);
  assert.match(reader.damage!, /^byte \d+: no index: the file was not closed/);
});

Deno.test("a torn last chunk: the complete chunks, and the damage with its byte offset", () => {
  const bytes = file();
  const indexStart = bytes.length - INDEX_TAIL_SIZE - 3 * INDEX_ENTRY_SIZE;
  const { reader, ids } = readAll(bytes.slice(0, indexStart - 5));
  assert.deepEqual(ids, ALL.slice(0, 8));
  assert.match(reader.damage!, /^byte \d+: torn chunk: \d+ of \d+ data bytes present$/);
  assert.equal(reader.indexed, false);
});

Deno.test("a chunk whose LZ4 block is malformed: a DataError at its byte; later chunks still read", () => {
  const bytes = file();
  bytes.fill(255, 96, 104); // chunk 0's data: a literal length running past the block
  const reader = new LogReader(memorySource(bytes, "f"));
  reader.next();
  assert.throws(() => reader.records(), (e) => {
    assert.ok(e instanceof DataError);
    assert.equal(e.source, "f");
    assert.ok(e.offset! >= 96 && e.offset! < 96 + reader.chunk!.compressedSize, `${e.offset}`);
    assert.equal(e.detail, "chunk 0's LZ4 block is malformed");
    return true;
  });
  const ids: number[] = [];
  reader.forEach((r) => ids.push(r.orderId));
  assert.deepEqual(ids, ALL.slice(4));
  const check = verifyFile(new LogReader(memorySource(bytes, "f")));
  assert.equal(check.problems.length, 1);
  // The chunk's checksum catches it before its LZ4 block is decoded.
  assert.match(check.problems[0], /^byte 64: chunk 0: fails its checksum/);
  assert.equal(check.records, 6);
});
