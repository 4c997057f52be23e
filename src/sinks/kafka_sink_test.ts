import assert from "node:assert/strict";
import { kafkaSettings } from "../kafka/settings.ts";
import { chunkOf, messagesOf, numberedEvent as event } from "../kafka/test_records.ts";
import type { KafkaLink } from "./kafka_link.ts";
import { KafkaSink } from "./kafka_sink.ts";
import { RECORD_SIZE } from "../format/record.ts";

const settings = (perMessage: number) =>
  kafkaSettings({
    brokers: "127.0.0.1:9",
    topic: "t",
    maxInFlight: 1_000_000,
    timeoutSeconds: 1,
    recordsPerMessage: perMessage,
  }, () => undefined)!;

/** A connection made only when `connect` is called, whose sender keeps what it is sent. */
function slowLink() {
  const sent: [string, number, string][] = [];
  const link: KafkaLink = {
    partitions: 3,
    sender: {
      send(_partition, records) {
        for (const [key, recs, date] of messagesOf(records)) {
          for (const r of recs) sent.push([key, r.orderId - 1, date]);
        }
        return Promise.resolve();
      },
    },
    close: () => Promise.resolve(),
  };
  const made = Promise.withResolvers<KafkaLink>();
  return {
    sent,
    connector: () => made.promise,
    connect: () => made.resolve(link),
    fail: (why: string) => made.reject(new Error(why)),
  };
}

for (const perMessage of [1, 64]) {
  Deno.test(`kafka sink: events taken while it connects are sent once connected, in order (${perMessage} per message)`, async () => {
    const fake = slowLink();
    const sink = new KafkaSink(settings(perMessage), fake.connector);
    const connected = sink.connect();
    sink.beginSession({ symbol: "AAA", date: "2026-01-02", header: null!, file: "" });
    for (let i = 0; i < 100; i++) assert.equal(sink.append(event(i)), undefined, "not held");
    sink.beginSession({ symbol: "BBB", date: "2026-01-05", header: null!, file: "" });
    for (let i = 100; i < 150; i++) sink.append(event(i));
    assert.equal(fake.sent.length, 0);
    fake.connect();
    assert.equal(await connected, null);
    for (let i = 150; i < 200; i++) await sink.append(event(i));
    await sink.endSession();
    const expected = Array.from(
      { length: 200 },
      (_, i): [string, number, string] =>
        i < 100 ? ["AAA", i, "2026-01-02"] : ["BBB", i, "2026-01-05"],
    );
    assert.deepEqual(fake.sent, expected);
    const report = await sink.close();
    assert.equal(report.appended, 200);
    assert.equal(report.delivered, 200);
  });
}

Deno.test("kafka sink: when the connection fails, the events it held count as not acknowledged", async () => {
  const fake = slowLink();
  const sink = new KafkaSink(settings(1), fake.connector);
  const connected = sink.connect();
  sink.beginSession({ symbol: "AAA", date: "2026-01-02", header: null!, file: "" });
  for (let i = 0; i < 30; i++) sink.append(event(i));
  sink.beginSession({ symbol: "BBB", date: "2026-01-02", header: null!, file: "" });
  for (let i = 0; i < 12; i++) sink.append(event(i));
  fake.fail("cannot reach 127.0.0.1:9: connection refused");
  assert.match((await connected)!, /connection refused/);
  for (let i = 12; i < 20; i++) sink.append(event(i));
  const report = await sink.close();
  assert.deepEqual(
    report.bySymbol!.map((c) => [c.symbol, c.events, c.acknowledgedEvents]),
    [["AAA", 30, 0], ["BBB", 20, 0]],
  );
  assert.equal(report.delivered, 0);
  assert.equal(report.failures, 50);
  assert.match(report.firstError!, /^50 of 50 events not acknowledged \(cannot reach/);
});

Deno.test("kafka sink: past what it may hold while connecting, append waits for the connection", async () => {
  const fake = slowLink();
  const sink = new KafkaSink(settings(64), fake.connector);
  sink.connect();
  sink.beginSession({ symbol: "AAA", date: "2026-01-02", header: null!, file: "" });
  let i = 0, held: void | Promise<void>;
  while ((held = sink.append(event(i++))) === undefined) if (i > 1_000_000) break;
  assert.ok(held instanceof Promise, "held back");
  // 1 MiB of 26-byte records fit, then the next one is held.
  assert.equal(i, Math.floor(1024 * 1024 / 26) + 1, "every event that fits was taken first");
  let resumed = false;
  held.then(() => resumed = true);
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(resumed, false);
  fake.connect();
  await held;
  await sink.endSession();
  assert.equal(fake.sent.length, i);
  assert.ok(fake.sent.every(([, n], k) => n === k));
});

/** Events `from` to `to` as a file chunk's 26-byte records. */
const eventsAsChunk = (from: number, to: number) =>
  chunkOf(Array.from({ length: to - from }, (_, i) => event(from + i)));

Deno.test("kafka sink by chunk: takes no event one by one; chunks taken while it connects, past what it may hold, go in order once connected", async () => {
  const fake = slowLink();
  const sink = new KafkaSink(settings(64), fake.connector, true);
  assert.equal(sink.takesEvents, false);
  sink.connect();
  sink.beginSession({ symbol: "AAA", date: "2026-01-02", header: null!, file: "" });
  const chunk = 4096, total = 60_000;
  const held: (void | Promise<void>)[] = [];
  for (let from = 0; from < total; from += chunk) {
    const records = eventsAsChunk(from, Math.min(from + chunk, total));
    held.push(sink.appendRecords(records, records.length / RECORD_SIZE));
    // The file sink writes the next events into the same buffer.
    records.fill(0xff);
  }
  // 1 MiB of records fit: the chunk that passes it is held, and waits for the connection.
  const first = held.findIndex((h) => h instanceof Promise);
  assert.equal(first, Math.floor(Math.floor(1024 * 1024 / 26) / chunk));
  fake.connect();
  await Promise.all(held);
  await sink.endSession();
  assert.equal(fake.sent.length, total);
  assert.ok(
    fake.sent.every(([key, n, date], k) => n === k && key === "AAA" && date === "2026-01-02"),
  );
  const report = await sink.close();
  assert.deepEqual([report.appended, report.delivered], [total, total]);
});

Deno.test("kafka sink by chunk: a session's end waits for a chunk still held back behind the events held while connecting", async () => {
  const fake = slowLink();
  const sink = new KafkaSink({ ...settings(64), maxInFlight: 1000 }, fake.connector, true);
  const connected = sink.connect();
  sink.beginSession({ symbol: "AAA", date: "2026-01-02", header: null!, file: "" });
  assert.equal(sink.appendRecords(eventsAsChunk(0, 30_000), 30_000), undefined);
  fake.connect();
  await connected;
  // The held events go first, and hold this chunk back; the file sink ends the session at once.
  assert.ok(sink.appendRecords(eventsAsChunk(30_000, 30_100), 100) instanceof Promise);
  await sink.endSession();
  assert.equal(fake.sent.length, 30_100);
  assert.ok(fake.sent.every(([, n], k) => n === k));
});
