/** `qrsdp consume` against the suite's real broker: a `kcat -C` for our messages. */
import assert from "node:assert/strict";
import { KAFKA_TEST_BROKERS, kafkaFlags, requireBroker } from "./kafka/broker.ts";
import { readRecords, runCli, spawnCli, tempDir, TYPE_NAMES } from "./helpers.ts";

await requireBroker();

const brokers = ["--kafka-brokers", KAFKA_TEST_BROKERS];

/** `qrsdp run` of `flags` into `dir` and to `topic`; fails the test unless it succeeds. */
async function runToTopic(topic: string, dir: string, flags: string[]): Promise<void> {
  const run = await runCli(["run", ...flags, "--output", dir, "--quiet", ...kafkaFlags(topic)]);
  assert.equal(run.code, 0, run.stderr);
}

/** `qrsdp consume` of `topic` from its beginning, with `flags`. */
function consume(topic: string, flags: string[]) {
  return runCli(["consume", ...brokers, "--kafka-topic", topic, "--from-beginning", ...flags]);
}

Deno.test("consume --from-beginning --json: every event of a run with key, partition, offset and date", async () => {
  const topic = `consume.${crypto.randomUUID()}`;
  const dir = tempDir("consume");
  await runToTopic(topic, dir, [
    "--seconds",
    "60",
    "--days",
    "2",
    "--securities",
    "AAPL:10000,MSFT:15000",
  ]);
  const r = await consume(topic, ["--to-end", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const events = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  for (const symbol of ["AAPL", "MSFT"]) {
    const mine = events.filter((e) => e.key === symbol);
    const expected = ["2026-01-02", "2026-01-05"].flatMap((date) =>
      readRecords(`${dir}/${symbol}/${date}.qrsdp`).map((rec) => ({ date, rec }))
    );
    assert.equal(mine.length, expected.length);
    // One symbol is one partition, read in offset order.
    assert.equal(new Set(mine.map((e) => e.partition)).size, 1);
    mine.forEach((e, i) => {
      const { date, rec } = expected[i];
      assert.deepEqual(e, {
        partition: mine[0].partition,
        offset: e.offset,
        index: 0,
        key: symbol,
        date,
        ts_ns: rec.tsNs,
        type: rec.type,
        type_name: TYPE_NAMES[rec.type],
        side: rec.side,
        price_ticks: rec.priceTicks,
        qty: rec.qty,
        order_id: rec.orderId,
      });
      if (i > 0) assert.ok(e.offset > mine[i - 1].offset);
    });
  }
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("consume --max N: N text lines, then exit 0", async () => {
  const topic = `consume.${crypto.randomUUID()}`;
  const dir = tempDir("consume_max");
  await runToTopic(topic, dir, ["--seconds", "30"]);
  const r = await consume(topic, ["--max", "5"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split("\n");
  assert.equal(lines.length, 5);
  const first = readRecords(`${dir}/2026-01-02.qrsdp`)[0];
  assert.match(
    lines[0],
    new RegExp(
      `^\\d+@0 DEFAULT 2026-01-02 09:30:\\d\\d\\.\\d{9} \\w+ (BID|ASK) ${first.priceTicks} 1 1$`,
    ),
  );
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("consume: a message that is not ours is reported (partition, offset, why) and passed over; the rest is read", async () => {
  const topic = `consume.${crypto.randomUUID()}`;
  const { Kafka, logLevel } = await import("kafkajs");
  const { encodeRecordBytes } = await import("../src/format/record.ts");
  const kafka = new Kafka({ brokers: [KAFKA_TEST_BROKERS], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const rec = { tsNs: 34_200_003_510_394, type: 2, side: 0, priceTicks: 9996, qty: 1, orderId: 1 };
  const random = encodeRecordBytes(rec);
  random[8] = 142;
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: [
      { key: "X", value: "not a record" },
      { key: "X", value: Buffer.from(random) },
      { key: "X", value: Buffer.from(encodeRecordBytes(rec)), headers: { date: "not-a-date" } },
      { key: "\x1b]0;pwned\x07X", value: Buffer.from(encodeRecordBytes(rec)) },
      { key: "X", value: Buffer.from(encodeRecordBytes({ ...rec, orderId: 2 })) },
    ],
  });
  await producer.disconnect();
  const r = await consume(topic, ["--to-end"]);
  assert.equal(r.code, 1);
  assert.deepEqual(r.stderr.trimEnd().split("\n"), [
    "qrsdp consume: partition 0 offset 0: value of 12 bytes is not a whole number of 26-byte records (passed over)",
    "qrsdp consume: partition 0 offset 1: type 142 is not one of the six (0-5) (passed over)",
    'qrsdp consume: partition 0 offset 2: date header "not-a-date" is not a YYYY-MM-DD date (passed over)',
  ]);
  assert.deepEqual(r.stdout.trimEnd().split("\n"), [
    "0@3 \\x1b]0;pwned\\x07X - 09:30:00.003510394 CANCEL_BID BID 9996 1 1",
    "0@4 X - 09:30:00.003510394 CANCEL_BID BID 9996 1 2",
  ]);
});

Deno.test("consume: an empty topic with --to-end prints nothing and exits 0", async () => {
  const topic = `consume.${crypto.randomUUID()}`;
  const { Kafka, logLevel } = await import("kafkajs");
  const admin = new Kafka({ brokers: [KAFKA_TEST_BROKERS], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  const r = await consume(topic, ["--to-end"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
});

Deno.test("consume without --max or --to-end runs until SIGINT, then exits 0 with every line whole", async () => {
  const topic = `consume.${crypto.randomUUID()}`;
  const dir = tempDir("consume_sigint");
  await runToTopic(topic, dir, ["--seconds", "30"]);
  const total = readRecords(`${dir}/2026-01-02.qrsdp`).length;
  const child = spawnCli(["consume", ...brokers, "--kafka-topic", topic, "--from-beginning"]);
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  // A consume that never delivers everything is killed, and the test fails instead of hanging.
  const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
  let text = "";
  while (text.split("\n").length - 1 < total) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  child.kill("SIGINT");
  for (let r = await reader.read(); !r.done; r = await reader.read()) text += r.value;
  const { code } = await child.status;
  clearTimeout(guard);
  await child.stderr.cancel();
  assert.equal(code, 0);
  assert.equal(text.split("\n").length - 1, total);
  assert.ok(text.endsWith("\n"));
  Deno.removeSync(dir, { recursive: true });
});
