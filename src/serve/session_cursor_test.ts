import assert from "node:assert/strict";
import { encodeRecord, RECORD_SIZE } from "../format/record.ts";
import { QrsdpWriter } from "../format/writer.ts";
import { TEST_HEADER } from "../format/test_log.ts";
import { SessionCursor } from "./session_cursor.ts";

const HEADER = TEST_HEADER;

function chunk(first: number, count: number): Uint8Array {
  const raw = new Uint8Array(count * RECORD_SIZE);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < count; i++) {
    encodeRecord(
      { tsNs: first + i, type: 0, side: 0, priceTicks: 9999, qty: 1, orderId: first + i },
      view,
      i * RECORD_SIZE,
    );
  }
  return raw;
}

const ids = (raw: Uint8Array) => {
  const v = new DataView(raw.buffer);
  return Array.from(
    { length: raw.length / RECORD_SIZE },
    (_, i) => v.getUint32(i * RECORD_SIZE + 18, true),
  );
};

Deno.test("a session cursor follows a file while it is written and stops at its index", () => {
  const path = Deno.makeTempFileSync({ suffix: ".qrsdp" });
  Deno.removeSync(path);
  const cursor = new SessionCursor(path);
  assert.equal(cursor.next(true), null, "no file yet");
  assert.equal(cursor.finished, false);
  const writer = QrsdpWriter.create(path, HEADER);
  assert.equal(cursor.next(true), null, "header only");
  assert.equal(cursor.header?.p0Ticks, 10000);
  writer.writeChunk(chunk(1, 4), 4, 1, 4);
  assert.deepEqual(ids(cursor.next(true)!), [1, 2, 3, 4]);
  assert.equal(cursor.next(true), null, "no second chunk yet");
  assert.equal(cursor.finished, false);
  writer.writeChunk(chunk(5, 2), 2, 5, 6);
  writer.close();
  assert.deepEqual(ids(cursor.next(true)!), [5, 6]);
  assert.equal(cursor.next(true), null);
  assert.equal(cursor.finished, true, "the index is written: nothing more will come");
  Deno.removeSync(path, { recursive: true });
});

Deno.test("a session cursor reads what precedes a torn chunk and ends there when not growing", () => {
  const path = Deno.makeTempFileSync({ suffix: ".qrsdp" });
  const writer = QrsdpWriter.create(path, HEADER);
  writer.writeChunk(chunk(1, 4), 4, 1, 4);
  writer.writeChunk(chunk(5, 4), 4, 5, 8);
  writer.abandon();
  const size = Deno.statSync(path).size;
  Deno.truncateSync(path, size - 3);
  const growing = new SessionCursor(path);
  assert.deepEqual(ids(growing.next(true)!), [1, 2, 3, 4]);
  assert.equal(growing.next(true), null);
  assert.equal(growing.finished, false, "a growing file may still get the rest");
  const stopped = new SessionCursor(path);
  assert.deepEqual(ids(stopped.next(false)!), [1, 2, 3, 4]);
  assert.equal(stopped.next(false), null);
  assert.equal(stopped.finished, true);
  Deno.removeSync(path, { recursive: true });
});
