/**
 * `qrsdp consume`'s kcat habits (--format, --offset, --partition, --from-time, --to-time,
 * --group) checked against the broker's own tools on the same topic: the console consumer
 * (messages with their partition, offset, timestamp and key), GetOffsetShell (the offset of a
 * time) and the consumer-group command (the committed offsets).
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { KAFKA_TEST_BROKERS, kafkaFlags, requireBroker } from "./kafka/broker.ts";
import { assertSameRows, ROOT, runCli, tempDir } from "./helpers.ts";

await requireBroker();

const LIBS = `${ROOT}/tests/kafka/.work/libs`;

/** A class of the broker's own tools, run with `args`; its standard output. */
async function kafkaTool(className: string, args: string[]): Promise<string> {
  const out = await new Deno.Command("java", {
    args: ["-cp", `${LIBS}/*`, className, "--bootstrap-server", KAFKA_TEST_BROKERS, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  return dec.decode(out.stdout);
}

interface Seen {
  timestamp: number;
  partition: number;
  offset: number;
  key: string;
}

/** The console consumer's line, as our --format below prints it too. */
const LINE = "CreateTime:%T\\tPartition:%p\\tOffset:%o\\t%k\\n";

function parse(text: string): Seen[] {
  return text.trimEnd().split("\n").filter((l) => l !== "").map((l) => {
    const [t, p, o, key] = l.split("\t");
    return {
      timestamp: Number(t.replace("CreateTime:", "")),
      partition: Number(p.replace("Partition:", "")),
      offset: Number(o.replace("Offset:", "")),
      key,
    };
  });
}

const byPlace = (a: Seen, b: Seen) => a.partition - b.partition || a.offset - b.offset;

/** A topic of three partitions with the events of a short three-security run. */
async function topicWithRun(): Promise<{ topic: string; total: number }> {
  const topic = `kcat.${crypto.randomUUID()}`;
  const admin = new Kafka({ brokers: [KAFKA_TEST_BROKERS], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  const dir = tempDir("kcat");
  const run = await runCli([
    "run",
    "--seconds",
    "4",
    "--securities",
    "AAPL:10000,MSFT:15000,IBM:20000,GOOG:12000",
    "--output",
    dir,
    "--quiet",
    ...kafkaFlags(topic),
  ]);
  assert.equal(run.code, 0, run.stderr);
  Deno.removeSync(dir, { recursive: true });
  const offsets = await kafkaTool("org.apache.kafka.tools.GetOffsetShell", [
    "--topic",
    topic,
    "--time",
    "-1",
  ]);
  const total = offsets.trim().split("\n").reduce((n, l) => n + Number(l.split(":")[2]), 0);
  return { topic, total };
}

const { topic, total } = await topicWithRun();
/** Every message of the topic, as the console consumer prints it. */
const reference = parse(
  await kafkaTool("org.apache.kafka.tools.consumer.ConsoleConsumer", [
    "--topic",
    topic,
    "--from-beginning",
    "--max-messages",
    String(total),
    "--property",
    "print.timestamp=true",
    "--property",
    "print.partition=true",
    "--property",
    "print.offset=true",
    "--property",
    "print.key=true",
    "--property",
    "print.value=false",
  ]),
).sort(byPlace);
const partitions = [...new Set(reference.map((m) => m.partition))];

function consume(flags: string[]) {
  return runCli([
    "consume",
    "--kafka-brokers",
    KAFKA_TEST_BROKERS,
    "--kafka-topic",
    topic,
    ...flags,
  ]);
}

async function consumed(flags: string[]): Promise<Seen[]> {
  const r = await consume([...flags, "--format", LINE]);
  assert.equal(r.code, 0, r.stderr);
  return parse(r.stdout);
}

Deno.test("consume --format: the console consumer's lines, byte for byte, for every message", async () => {
  assert.ok(partitions.length >= 2, `the run's securities should use 2+ partitions: ${partitions}`);
  const r = await consume(["--offset", "beginning", "--to-end", "--format", LINE]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split("\n").length - 1, total);
  assertSameRows(parse(r.stdout).sort(byPlace), reference);
});

Deno.test("consume --partition P --offset N --max K: the console consumer's --partition P --offset N --max-messages K", async () => {
  const p = partitions[1];
  const console = await kafkaTool("org.apache.kafka.tools.consumer.ConsoleConsumer", [
    "--topic",
    topic,
    "--partition",
    String(p),
    "--offset",
    "5",
    "--max-messages",
    "4",
    "--property",
    "print.timestamp=true",
    "--property",
    "print.partition=true",
    "--property",
    "print.offset=true",
    "--property",
    "print.key=true",
    "--property",
    "print.value=false",
  ]);
  const r = await consume([
    "--partition",
    String(p),
    "--offset",
    "5",
    "--max",
    "4",
    "--format",
    LINE,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, console);
  assert.deepEqual(parse(r.stdout).map((m) => m.offset), [5, 6, 7, 8]);
  const none = await consume(["--partition", "9", "--to-end"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--partition: topic \S+ has no partition 9/);
});

Deno.test("consume --offset -N --to-end: the last N messages of every partition", async () => {
  const got = (await consumed(["--offset", "-3", "--to-end"])).sort(byPlace);
  const expected = partitions.flatMap((p) => reference.filter((m) => m.partition === p).slice(-3));
  assert.deepEqual(got, expected);
});

Deno.test("consume --from-time T: each partition from the offset GetOffsetShell gives for T", async () => {
  // A time inside the run: the timestamp of a message in the middle of the topic, plus 1 ms.
  const t = reference[Math.floor(reference.length / 2)].timestamp + 1;
  const shell = await kafkaTool("org.apache.kafka.tools.GetOffsetShell", [
    "--topic",
    topic,
    "--time",
    String(t),
  ]);
  const firsts = new Map(
    shell.trim().split("\n").filter((l) => l !== "").map((l) => {
      const [, p, o] = l.split(":");
      return [Number(p), Number(o)];
    }),
  );
  const got = (await consumed(["--from-time", new Date(t).toISOString(), "--to-end"])).sort(
    byPlace,
  );
  assert.ok(got.length > 0 && got.length < total, `${got.length} of ${total}`);
  for (const p of partitions) {
    const mine = got.filter((m) => m.partition === p);
    const later = reference.filter((m) => m.partition === p && m.timestamp >= t);
    // GetOffsetShell leaves out a partition with no message that late.
    if (later.length > 0) assert.equal(mine[0].offset, firsts.get(p));
    assert.deepEqual(
      mine,
      reference.filter((m) => m.partition === p && m.offset >= (firsts.get(p) ?? Infinity)),
    );
    assert.deepEqual(
      mine,
      later.length > 0
        ? reference.filter((m) => m.partition === p && m.offset >= later[0].offset)
        : [],
    );
  }
});

Deno.test("consume --to-time T: every partition up to its first message at T, not included", async () => {
  const t = reference[Math.floor(reference.length / 3)].timestamp + 1;
  const got = (await consumed(["--offset", "beginning", "--to-time", String(t), "--to-end"])).sort(
    byPlace,
  );
  const expected = partitions.flatMap((p) => {
    const mine = reference.filter((m) => m.partition === p);
    const stop = mine.findIndex((m) => m.timestamp >= t);
    return stop < 0 ? mine : mine.slice(0, stop);
  });
  assert.ok(got.length > 0 && got.length < total, `${got.length} of ${total}`);
  assert.deepEqual(got, expected);
});

Deno.test("consume --group G: commits what it showed (as the group command sees it), and the next consume goes on from there", async () => {
  const group = `kcat-${crypto.randomUUID()}`;
  const p = partitions[0];
  const first = await consumed([
    "--group",
    group,
    "--partition",
    String(p),
    "--offset",
    "beginning",
    "--max",
    "7",
  ]);
  assert.deepEqual(first.map((m) => m.offset), [0, 1, 2, 3, 4, 5, 6]);
  const described = await kafkaTool("org.apache.kafka.tools.consumer.group.ConsumerGroupCommand", [
    "--describe",
    "--group",
    group,
  ]);
  const row = described.split("\n").find((l) => l.includes(topic))!.trim().split(/\s+/);
  // GROUP TOPIC PARTITION CURRENT-OFFSET ...
  assert.deepEqual([row[2], row[3]], [String(p), "7"]);
  const rest = await consumed(["--group", group, "--partition", String(p), "--to-end"]);
  const all = reference.filter((m) => m.partition === p);
  assert.deepEqual([...first, ...rest], all);
  // Nothing left for the group: a third consume shows nothing.
  assert.deepEqual(await consumed(["--group", group, "--partition", String(p), "--to-end"]), []);
});
