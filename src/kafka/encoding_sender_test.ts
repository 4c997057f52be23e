import assert from "node:assert/strict";
import { EncodingSender } from "./encoding_sender.ts";
import type { RecordBatch } from "./record_batch.ts";
import { packed, valuesOf } from "./test_records.ts";

class FakeSender {
  sends: { partition: number; batch: RecordBatch; settle: (error?: Error) => void }[] = [];
  send(partition: number, batch: RecordBatch): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sends.push({ partition, batch, settle: (e) => e ? reject(e) : resolve() });
    });
  }
}

Deno.test("packed messages go on as a record batch of theirs, with its partition and count", async () => {
  const fake = new FakeSender();
  const sender = new EncodingSender(fake, 2);
  const done = sender.send(2, packed([1, 2, 3]), 3);
  assert.equal(fake.sends.length, 1);
  assert.equal(fake.sends[0].partition, 2);
  assert.equal(fake.sends[0].batch.records, 3);
  assert.deepEqual(await valuesOf(fake.sends[0].batch), [1, 2, 3]);
  fake.sends[0].settle();
  await done;
});

Deno.test("a batch's buffer serves a later batch only once the first is settled", async () => {
  const fake = new FakeSender();
  const sender = new EncodingSender(fake, 1);
  const first = sender.send(0, packed([1, 2]), 2);
  const second = sender.send(0, packed([3, 4]), 2); // the first is still out: a buffer of its own
  assert.notEqual(fake.sends[1].batch.bytes.buffer, fake.sends[0].batch.bytes.buffer);
  assert.deepEqual(await valuesOf(fake.sends[0].batch), [1, 2]);
  fake.sends[0].settle(new Error("gone"));
  await assert.rejects(first, /gone/);
  const third = sender.send(0, packed([5, 6]), 2);
  assert.equal(fake.sends[2].batch.bytes.buffer, fake.sends[0].batch.bytes.buffer, "reused");
  assert.deepEqual(await valuesOf(fake.sends[1].batch), [3, 4], "the second is intact");
  assert.deepEqual(await valuesOf(fake.sends[2].batch), [5, 6]);
  fake.sends[1].settle();
  fake.sends[2].settle();
  await Promise.all([second, third]);
});
