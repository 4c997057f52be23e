import assert from "node:assert/strict";
import { kafkaFlags, requireBroker } from "./kafka/broker.ts";
import { runCli, tempDir } from "./helpers.ts";

await requireBroker();

Deno.test("run --stats: acknowledgements per interval and for the run, on stderr and in --json", async () => {
  const topic = `stats.${crypto.randomUUID()}`;
  const r = await runCli([
    "run",
    "--securities",
    "A:10000,B:20000",
    "--seconds",
    "600",
    ...kafkaFlags(topic),
    "--stats",
    "--stats-interval",
    "0.2",
    "--json",
    "--output",
    tempDir("stats"),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  const { total, intervals } = s.stats;
  assert.equal(total.acknowledged, s.events);
  assert.ok(intervals.length >= 1);
  // The intervals split what the run had acknowledged when the last one closed.
  const summed = intervals.reduce(
    (n: number, i: { acknowledged: number }) => n + i.acknowledged,
    0,
  );
  assert.ok(summed <= total.acknowledged, `${summed} > ${total.acknowledged}`);
  for (const i of [...intervals, total]) {
    const { p50, p99, max } = i.latency_ms;
    if (i.acknowledged === 0) assert.deepEqual([p50, p99, max], [null, null, null]);
    else assert.ok(0 < p50 && p50 <= p99 && p99 <= max, JSON.stringify(i));
  }
  assert.ok(total.events_per_second > 0);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.filter((l) => l.startsWith("stats: at ")).length, intervals.length);
  assert.match(
    lines.at(-1)!,
    new RegExp(
      `^stats: total [\\d.]+ s: ${s.events.toLocaleString("en-US")} events acknowledged, `,
    ),
  );
});

Deno.test("run --stats without Kafka is a usage error", async () => {
  const r = await runCli(["run", "--stats", "--seconds", "1", "--output", tempDir("stats_usage")]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /^qrsdp run: --stats reports Kafka acknowledgements: give --kafka-brokers too\n$/,
  );
});
