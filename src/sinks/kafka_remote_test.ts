import assert from "node:assert/strict";
import type { RecordBatch } from "../kafka/record_batch.ts";
import { KafkaHost, RemoteKafka } from "./kafka_remote.ts";
import type { KafkaRequest } from "./kafka_remote.ts";
import type { KafkaConnection } from "./kafka_link.ts";
import type { KafkaSettings } from "../kafka/settings.ts";
import { packed, valuesOf } from "../kafka/test_records.ts";

/** The main thread's connection, faked: it keeps each framed batch and settles it when told. */
function fakeConnection() {
  const sends: { partition: number; batch: RecordBatch; settle(e?: Error): void }[] = [];
  let closed = 0;
  const connection: KafkaConnection = {
    partitions: 3,
    sender: { send: () => Promise.reject(new Error("not this way")) },
    framed: {
      send: (partition, batch) =>
        new Promise((resolve, reject) =>
          sends.push({ partition, batch, settle: (e) => e ? reject(e) : resolve() })
        ),
    },
    close: () => {
      closed++;
      return Promise.resolve();
    },
  };
  return { connection, sends, closed: () => closed };
}

/** A worker's side and the main thread's, wired as run.ts and worker.ts wire them. */
function wired(connect: () => Promise<KafkaConnection>, frameHere = true) {
  const posted: KafkaRequest[] = [];
  const host = new KafkaHost({} as KafkaSettings, { requested: false }, connect);
  const remote: RemoteKafka = new RemoteKafka((m) => {
    posted.push(m);
    host.handle(m, (r) => remote.receive(r));
  }, frameHere);
  return { host, remote, posted };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("a worker's batch is framed where it is packed and sent on the main thread's connection", async () => {
  const fake = fakeConnection();
  const { host, remote, posted } = wired(() => Promise.resolve(fake.connection));
  const link = await remote.connector()();
  assert.equal(link.partitions, 3);
  const first = link.sender.send(2, packed([1, 2, 3]), 3);
  const second = link.sender.send(1, packed([4]), 1);
  await tick();
  assert.deepEqual(fake.sends.map((s) => [s.partition, s.batch.records]), [[2, 3], [1, 1]]);
  assert.deepEqual(await valuesOf(fake.sends[0].batch), [1, 2, 3]);
  assert.ok(posted.every((m) => m.kind !== "kafka-batch" || m.slot instanceof SharedArrayBuffer));
  fake.sends[1].settle(new Error("NOT_ENOUGH_REPLICAS"));
  fake.sends[0].settle();
  await first;
  await assert.rejects(second, /NOT_ENOUGH_REPLICAS/);
  await link.close();
  assert.equal(fake.closed(), 0, "the connection is the run's, not the sink's");
  await host.close();
  assert.equal(fake.closed(), 1);
});

Deno.test("with a core to spare, the main thread frames what a worker packed", async () => {
  const fake = fakeConnection();
  const { remote, posted } = wired(() => Promise.resolve(fake.connection), false);
  const link = await remote.connector()();
  const records = packed([7, 8]);
  const first = link.sender.send(1, records, 2);
  await tick();
  const request = posted.find((m) => m.kind === "kafka-batch")!;
  assert.ok(request.kind === "kafka-batch" && !request.framed);
  assert.deepEqual(
    new Uint8Array(request.slot, 0, request.bytes),
    records,
    "the records as packed",
  );
  assert.equal(fake.sends[0].partition, 1);
  assert.deepEqual(await valuesOf(fake.sends[0].batch), [7, 8]);
  const room = fake.sends[0].batch.bytes.buffer;
  link.sender.send(1, packed([9]), 1);
  await tick();
  assert.notEqual(fake.sends[1].batch.bytes.buffer, room, "not while the first is unanswered");
  fake.sends[0].settle();
  await first;
  link.sender.send(1, packed([10]), 1);
  await tick();
  assert.equal(fake.sends[2].batch.bytes.buffer, room, "reused once answered");
  assert.deepEqual(await valuesOf(fake.sends[1].batch), [9], "the second is intact");
  assert.deepEqual(await valuesOf(fake.sends[2].batch), [10]);
});

Deno.test("a batch's room serves a later batch only once the first is answered", async () => {
  const fake = fakeConnection();
  const { remote, posted } = wired(() => Promise.resolve(fake.connection));
  const link = await remote.connector()();
  const slots = () => posted.flatMap((m) => m.kind === "kafka-batch" ? [m.slot] : []);
  const first = link.sender.send(0, packed([1]), 1);
  link.sender.send(0, packed([2]), 1);
  assert.notEqual(slots()[1], slots()[0]);
  await tick();
  fake.sends[0].settle();
  await first;
  link.sender.send(0, packed([3]), 1);
  assert.equal(slots()[2], slots()[0], "reused");
  await tick();
  assert.deepEqual(await valuesOf(fake.sends[1].batch), [2], "the second is intact");
  assert.deepEqual(await valuesOf(fake.sends[2].batch), [3]);
});

Deno.test("one connection for every link; when it cannot be had, each link is told why", async () => {
  let connects = 0;
  const { remote } = wired(() => {
    connects++;
    return Promise.reject(new Error("cannot reach 127.0.0.1:1: connection refused"));
  });
  for (let i = 0; i < 3; i++) {
    await assert.rejects(remote.connector()(), /cannot reach 127.0.0.1:1: connection refused/);
  }
  assert.equal(connects, 1);
});
