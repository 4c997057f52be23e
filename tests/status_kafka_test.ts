/**
 * `qrsdp status --kafka-brokers` when ClickHouse cannot be reached: what Kafka knows (the lag of
 * init.sql's consumer group) is printed, then ClickHouse's error, with its exit status.
 */
import assert from "node:assert/strict";
import { closedPort, waitFor } from "./clickhouse/platform.ts";
import { runCli, tempDir } from "./helpers.ts";

const BROKERS = Deno.env.get("KAFKA_TEST_BROKERS") ?? "127.0.0.1:19092";

Deno.test("status --kafka-brokers without ClickHouse: the consumer lag, then the error", async () => {
  const topic = `test.status.${crypto.randomUUID()}`;
  const run = await runCli([
    "run",
    "--seconds",
    "2",
    "--kafka-brokers",
    BROKERS,
    "--kafka-topic",
    topic,
    "--output",
    `${tempDir("status")}/r`,
    "--json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const messages = JSON.parse(run.stdout).kafka[0].by_symbol[0].acknowledged_messages;
  assert.ok(messages > 0);

  const port = closedPort();
  const env = { CLICKHOUSE_HOST: "127.0.0.1", CLICKHOUSE_PORT: String(port), KAFKA_TOPIC: topic };
  const unreachable = new RegExp(
    `^qrsdp status: .*cannot reach ClickHouse at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\n$`,
  );
  // A broker that has just started answers "the coordinator is loading" for a few seconds.
  const text = await waitFor(
    "the group coordinator",
    async () => {
      const res = await runCli(["status", "--kafka-brokers", BROKERS], { env });
      return /coordinator is loading/.test(res.stdout) ? undefined : res;
    },
    30_000,
    500,
  );
  assert.equal(text.code, 2, text.stderr);
  assert.match(text.stderr, unreachable);
  const line = new RegExp(
    `^kafka consumer lag \\(qrsdp_clickhouse on ${topic.replaceAll(".", "\\.")}\\), ` +
      "in messages: p0=(\\d+) p1=(\\d+) p2=(\\d+)\\n$",
  ).exec(text.stdout);
  assert.ok(line, text.stdout);
  // Nobody consumed: the lag is every message on the topic.
  assert.equal(line.slice(1).reduce((n, x) => n + Number(x), 0), messages);

  const json = await runCli(["status", "--kafka-brokers", BROKERS, "--json"], { env });
  assert.equal(json.code, 2, json.stderr);
  assert.match(json.stderr, unreachable);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.rows, null);
  assert.equal(doc.malformed_messages, null);
  assert.equal(doc.kafka_lag.group, "qrsdp_clickhouse");
  assert.equal(doc.kafka_lag.topic, topic);
  assert.equal(
    doc.kafka_lag.partitions.reduce((n: number, p: { lag: number }) => n + p.lag, 0),
    messages,
  );
});
