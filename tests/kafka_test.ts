/**
 * Against the real broker that tests/run.ts starts (tests/kafka/start.sh): what the producer
 * sends is exactly what the files hold, through faults.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { QrsdpReader } from "../src/format/reader.ts";
import { RECORD_SIZE } from "../src/format/record.ts";
import {
  KAFKA_TEST_BROKERS,
  kafkaFlags,
  readTopic,
  requireBroker,
  restartBroker,
  startBroker,
  stopBroker,
} from "./kafka/broker.ts";
import type { ConsumedMessage } from "./kafka/broker.ts";
import { runCli, spawnCli, tempDir } from "./helpers.ts";

await requireBroker();

interface Session {
  symbol: string;
  date: string;
  file: string;
}

function sessionsOf(dir: string): Session[] {
  const m = JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`));
  if (!m.securities) return m.sessions.map((s: Session) => ({ ...s, symbol: "DEFAULT" }));
  return m.securities.flatMap((sec: { symbol: string; sessions: Session[] }) =>
    sec.sessions.map((s) => ({ ...s, symbol: sec.symbol }))
  );
}

/** Each symbol's messages, in partition order, must be its files' records in date order. */
function assertTopicMatchesFiles(messages: ConsumedMessage[], dir: string): void {
  const sessions = sessionsOf(dir);
  const bySymbol = new Map<string, ConsumedMessage[]>();
  for (const m of messages) {
    const list = bySymbol.get(m.key);
    if (list) list.push(m);
    else bySymbol.set(m.key, [m]);
  }
  assert.deepEqual([...bySymbol.keys()].sort(), [...new Set(sessions.map((s) => s.symbol))].sort());
  let total = 0;
  for (const [symbol, msgs] of bySymbol) {
    assert.equal(new Set(msgs.map((m) => m.partition)).size, 1, `${symbol} stays in one partition`);
    let i = 0;
    for (const s of sessions.filter((x) => x.symbol === symbol)) {
      const reader = QrsdpReader.open(`${dir}/${s.file}`);
      for (let c = 0; c < reader.chunks.length; c++) {
        const raw = reader.chunkRecords(c);
        for (let o = 0; o < raw.length; o += RECORD_SIZE, i++) {
          const m = msgs[i];
          assert.ok(m, `${symbol}: topic ends at message ${i}, the files go on`);
          assert.deepEqual(m.value, raw.subarray(o, o + RECORD_SIZE), `${symbol} message ${i}`);
          assert.equal(m.headers.date, s.date, `${symbol} message ${i}: date header`);
        }
      }
    }
    assert.equal(msgs.length, i, `${symbol}: no extra messages (duplicates) in the topic`);
    total += i;
  }
  assert.equal(messages.length, total);
}

/** The run's "kafka SYMBOLS: N produced, M acknowledged" lines: `sinks` of them, none short. */
function assertAllAcknowledged(stdout: string, sinks: number): string[] {
  const counts = [
    ...stdout.matchAll(/kafka [A-Z0-9._,-]+: ([\d,]+) produced, ([\d,]+) acknowledged/g),
  ];
  assert.equal(counts.length, sinks);
  for (const [, p, a] of counts) assert.equal(p, a);
  return counts.map(([, p]) => p);
}

const topicName = (what: string) => `test.${what}.${crypto.randomUUID().slice(0, 8)}`;

Deno.test("every event of a multi-security, multi-day run is in the topic once, as in the files", async () => {
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
    "--output",
    dir,
    "--quiet",
  ]);
  assert.equal(res.code, 0, res.stderr);
  // One Kafka sink per worker: one per security, at most one per core.
  assertAllAcknowledged(res.stdout, Math.min(3, navigator.hardwareConcurrency));
  const messages = await readTopic(topic);
  assert.deepEqual(
    new Set(messages.map((m) => m.partition)).size > 1,
    true,
    "symbols spread over partitions",
  );
  assertTopicMatchesFiles(messages, dir);
  // Friday then Monday: the header follows the simulated trading date across the boundary.
  assert.deepEqual([...new Set(messages.map((m) => m.headers.date))].sort(), [
    "2026-01-09",
    "2026-01-12",
  ]);
});

Deno.test("the unnamed security's key is DEFAULT", async () => {
  const dir = tempDir("kafka1"), topic = topicName("unnamed");
  const res = await runCli([
    "run",
    "--seconds",
    "60",
    ...kafkaFlags(topic),
    "--output",
    dir,
  ]);
  assert.equal(res.code, 0, res.stderr);
  assertTopicMatchesFiles(await readTopic(topic), dir);
});

Deno.test("replay publishes a recorded run exactly as the run did", async () => {
  const dir = tempDir("replay"), topic = topicName("replay");
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
  const res = await runCli([
    "replay",
    dir,
    ...kafkaFlags(topic),
  ]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /^XX: [\d,]+ produced, [\d,]+ acknowledged$/m);
  assertTopicMatchesFiles(await readTopic(topic), dir);
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

Deno.test("broker stopped mid-run and started again: nothing lost, nothing duplicated", async () => {
  // A broker of this test's own, so that stopping it leaves the other tests' broker alone.
  const port = 19094, brokers = `127.0.0.1:${port}`;
  await startBroker(port);
  try {
    const dir = tempDir("fault"), topic = topicName("fault");
    const child = spawnCli([
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
      ...kafkaFlags(topic, brokers),
      "--kafka-timeout",
      "60",
      "--output",
      dir,
    ]);
    const stdout = new Response(child.stdout).text(), stderr = new Response(child.stderr).text();
    await new Promise((r) => setTimeout(r, 2500));
    await stopBroker(port);
    await new Promise((r) => setTimeout(r, 2000));
    await restartBroker(port);
    const status = await child.status;
    const out = await stdout;
    assert.equal(status.code, 0, await stderr);
    assertAllAcknowledged(out, 2);
    assertTopicMatchesFiles(await readTopic(topic, brokers), dir);
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

Deno.test("continuous streaming stopped by SIGTERM: Kafka flushed, every event acknowledged, exit 0 promptly", async () => {
  const dir = tempDir("kstop"), topic = topicName("stop");
  const child = spawnCli([
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
    ...kafkaFlags(topic),
    "--output",
    dir,
  ]);
  const stdout = new Response(child.stdout).text(), stderr = new Response(child.stderr).text();
  await new Promise((r) => setTimeout(r, 4000));
  const signalled = performance.now();
  child.kill("SIGTERM");
  const status = await child.status;
  const stopSeconds = (performance.now() - signalled) / 1000;
  assert.equal(status.code, 0, await stderr);
  assert.ok(stopSeconds < 2, `stopped in ${stopSeconds} s`);
  for (const produced of assertAllAcknowledged(await stdout, 2)) assert.notEqual(produced, "0");
  assertTopicMatchesFiles(await readTopic(topic), dir);
});
