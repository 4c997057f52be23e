/**
 * Against the real broker that tests/run.ts starts (tests/kafka/start.sh): what the producer
 * sends is exactly what the files hold, through faults.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { QrsdpReader } from "../src/format/reader.ts";
import { RECORD_SIZE } from "../src/format/record.ts";
import {
  KAFKA_OWN_PORT,
  KAFKA_TEST_BROKERS,
  kafkaFlags,
  readTopic,
  requireBroker,
  restartBroker,
  startBroker,
  stopBroker,
} from "./kafka/broker.ts";
import type { ConsumedMessage } from "./kafka/broker.ts";
import {
  assertAllAcknowledged,
  assertTopicMatchesFiles,
  awaitMessages,
  runsBothWays,
  topicName,
} from "./kafka/topic_checks.ts";
import { runCli, tempDir } from "./helpers.ts";

await requireBroker();

/** How many messages hold exactly `records` records. */
const holding = (messages: ConsumedMessage[], records: number) =>
  messages.filter((m) => m.value.length === records * RECORD_SIZE).length;

for (const perMessage of [1, 64]) {
  Deno.test(`every event of a multi-security, multi-day run is in the topic once, as in the files (${perMessage} per message)`, async () => {
    const dir = tempDir("kafka"), topic = topicName("run");
    const res = await runCli([
      "run",
      "--seed",
      "13",
      "--days",
      "2",
      "--seconds",
      "400",
      "--securities",
      "AAA:10000,BBB:20000,CCC:300",
      "--start-date",
      "2026-01-09",
      ...kafkaFlags(topic),
      "--kafka-records-per-message",
      String(perMessage),
      "--output",
      dir,
      "--quiet",
    ]);
    assert.equal(res.code, 0, res.stderr);
    const produced = assertAllAcknowledged(res.stdout, 3);
    const messages = await readTopic(topic);
    assert.deepEqual(
      new Set(messages.map((m) => m.partition)).size > 1,
      true,
      "symbols spread over partitions",
    );
    assertTopicMatchesFiles(messages, dir, perMessage, produced);
    assert.ok(holding(messages, perMessage) > messages.length / 2, "messages are full");
    // Friday then Monday: the header follows the simulated trading date across the boundary.
    assert.deepEqual([...new Set(messages.map((m) => m.headers.date))].sort(), [
      "2026-01-09",
      "2026-01-12",
    ]);
  });
}

Deno.test("the unnamed security's key is DEFAULT; KAFKA_RECORDS_PER_MESSAGE packs as the flag does", async () => {
  const dir = tempDir("kafka1"), topic = topicName("unnamed");
  const res = await runCli([
    "run",
    "--seconds",
    "60",
    ...kafkaFlags(topic),
    "--output",
    dir,
  ], { env: { KAFKA_RECORDS_PER_MESSAGE: "16" } });
  assert.equal(res.code, 0, res.stderr);
  const produced = assertAllAcknowledged(res.stdout, 1);
  const messages = await readTopic(topic);
  assertTopicMatchesFiles(messages, dir, 16, produced);
  assert.ok(holding(messages, 16) > 0);
});

Deno.test("replay publishes a recorded run exactly as the run did, packed or not", async () => {
  const dir = tempDir("replay");
  assert.equal(
    (await runCli([
      "run",
      "--seed",
      "5",
      "--days",
      "2",
      "--seconds",
      "200",
      "--securities",
      "XX:500,YY:900",
      "--output",
      dir,
      "--quiet",
    ])).code,
    0,
  );
  for (const perMessage of [1, 64]) {
    const topic = topicName("replay");
    const res = await runCli([
      "replay",
      dir,
      ...kafkaFlags(topic),
      "--kafka-records-per-message",
      String(perMessage),
    ]);
    assert.equal(res.code, 0, res.stderr);
    const produced = assertAllAcknowledged(res.stdout, 2);
    const messages = await readTopic(topic);
    assertTopicMatchesFiles(messages, dir, perMessage, produced);
    assert.ok(holding(messages, perMessage) > messages.length / 2, "messages are full");
  }
});

Deno.test("an absent broker: a clear error and a non-zero exit, and the files are still complete", async () => {
  const dir = tempDir("absent");
  const res = await runCli([
    "run",
    "--seconds",
    "300",
    "--kafka-brokers",
    "127.0.0.1:1",
    "--kafka-timeout",
    "1",
    "--output",
    dir,
  ]);
  assert.equal(res.code, 1);
  assert.match(
    res.stderr,
    /kafka DEFAULT: ([\d,]+) of \1 events not acknowledged \(cannot reach 127\.0\.0\.1:1/,
  );
  const events = Number(/: ([\d,]+) events/.exec(res.stdout)![1].replaceAll(",", ""));
  const reader = QrsdpReader.open(`${dir}/2026-01-02.qrsdp`);
  assert.ok(reader.indexed);
  assert.equal(reader.recordCount, events);
});

Deno.test("broker stopped mid-run and started again, packed or not: nothing lost, nothing duplicated", async () => {
  // A broker of this test's own, so that stopping it leaves the other tests' broker alone.
  const port = KAFKA_OWN_PORT, brokers = `127.0.0.1:${port}`;
  await startBroker(port);
  try {
    const runs = runsBothWays([
      "run",
      "--seed",
      "99",
      "--seconds",
      "3000",
      "--securities",
      "FA:1000,FB:2000",
      "--realtime",
      "--speed",
      "250",
      "--kafka-timeout",
      "60",
    ], brokers);
    await new Promise((r) => setTimeout(r, 2500));
    await stopBroker(port);
    await new Promise((r) => setTimeout(r, 2000));
    await restartBroker(port);
    for (const run of runs) {
      const status = await run.child.status;
      assert.equal(status.code, 0, await run.stderr);
      const produced = assertAllAcknowledged(await run.stdout, 2);
      const messages = await readTopic(run.topic, brokers);
      assertTopicMatchesFiles(messages, run.dir, run.perMessage, produced);
    }
  } finally {
    await stopBroker(port);
  }
});

Deno.test("platform topic creates the topic with 3 partitions, once", async () => {
  const topic = topicName("topic");
  for (let i = 0; i < 2; i++) {
    const res = await runCli(["platform", "topic", "--kafka-topic", topic], {
      env: { KAFKA_BROKERS: KAFKA_TEST_BROKERS },
    });
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stdout,
      new RegExp(`Kafka topic ${topic.replaceAll(".", "\\.")} on .*: ready`),
    );
  }
  const kafka = new Kafka({ brokers: KAFKA_TEST_BROKERS.split(","), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  await admin.disconnect();
  assert.equal(meta.topics[0].partitions.length, 3);

  // --partitions sizes a topic it creates, and a topic that exists keeps what it has.
  const wide = topicName("topic-wide");
  for (const partitions of ["7", "2"]) {
    const res = await runCli([
      "platform",
      "topic",
      "--kafka-topic",
      wide,
      "--partitions",
      partitions,
    ], {
      env: { KAFKA_BROKERS: KAFKA_TEST_BROKERS },
    });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /: ready, 7 partitions$/m);
  }

  const down = await runCli([
    "platform",
    "topic",
    "--kafka-brokers",
    "127.0.0.1:1",
    "--kafka-timeout",
    "1",
  ]);
  assert.equal(down.code, 2);
  assert.match(
    down.stderr,
    /^qrsdp platform: Kafka topic exchange\.events on 127\.0\.0\.1:1: .+\n$/,
  );
});

Deno.test("continuous streaming stopped by SIGTERM, packed or not: Kafka flushed, every event acknowledged, exit 0 promptly", async () => {
  const runs = runsBothWays([
    "run",
    "--seed",
    "8",
    "--securities",
    "SA:4000,SB:6000",
    "--days",
    "0",
    "--realtime",
    "--speed",
    "100",
  ]);
  // Under way: each run has produced (connections made, messages acknowledged).
  const kafka = new Kafka({ brokers: KAFKA_TEST_BROKERS.split(","), logLevel: logLevel.NOTHING });
  await awaitMessages(kafka, runs.map((r) => r.topic), 100);
  const signalled = performance.now();
  for (const run of runs) run.child.kill("SIGTERM");
  for (const run of runs) {
    const status = await run.child.status;
    const stopSeconds = (performance.now() - signalled) / 1000;
    assert.equal(status.code, 0, await run.stderr);
    assert.ok(stopSeconds < 2, `stopped in ${stopSeconds} s`);
    const produced = assertAllAcknowledged(await run.stdout, 2);
    for (const { events } of produced.values()) assert.ok(events > 0);
    const messages = await readTopic(run.topic);
    assertTopicMatchesFiles(messages, run.dir, run.perMessage, produced);
    if (run.perMessage > 1) {
      // Paced at speed 100, a message leaves within the linger time, however few its records.
      assert.ok(holding(messages, run.perMessage) < messages.length, "partly filled messages");
    }
  }
});
