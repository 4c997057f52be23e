/**
 * End to end against the test broker (tests/kafka/start.sh) and chdb's real Kafka engine, with
 * sql/init.sql (only its consumer group renamed): our producer -> Kafka -> exchange_events_kafka
 * -> the views, read back through the CLI's query commands.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Kafka, logLevel } from "kafkajs";
import type { Producer } from "kafkajs";
import { ClickHouse } from "../src/platform/client.ts";
import { EventType } from "../src/core/events.ts";
import { RECORD_SIZE } from "../src/format/record.ts";
import { KAFKA_TEST_BROKERS, kafkaFlags, readTopic, requireBroker } from "./kafka/broker.ts";
import { startChdbServer } from "./clickhouse/server.ts";
import {
  Expected,
  INIT_SQL,
  runSessions,
  sessionRecords,
  waitFor,
  WEEKEND_RUN,
} from "./clickhouse/platform.ts";
import { runCli, spawnCli, tempDir } from "./helpers.ts";

await requireBroker();

/** An event record; its order id is its price, so that no two of a symbol's events share one. */
function record(tsNs: number, type: number, price: number): Buffer {
  const b = Buffer.alloc(RECORD_SIZE);
  b.writeBigUInt64LE(BigInt(tsNs), 0);
  b.writeUInt8(type, 8);
  b.writeUInt8(2, 9);
  b.writeInt32LE(price, 10);
  b.writeUInt32LE(1, 14);
  b.writeBigUInt64LE(BigInt(price), 18);
  return b;
}

Deno.test("Kafka -> chdb's Kafka engine -> the views, and what the CLI shows of them", async (t) => {
  const server = await startChdbServer();
  const id = crypto.randomUUID().slice(0, 8);
  const topic = `test.clickhouse.${id}`;
  // init.sql but for the consumer group: chdb's consumers never leave their group (not on
  // close, not on DROP), so a group shared with the previous run stalls in a rebalance until
  // those members time out (45 s).
  const group = `qrsdp_clickhouse_test_${id}`;
  const sql = `${tempDir("chkafka_sql")}/init.sql`;
  const groupSetting = "kafka_group_name = 'qrsdp_clickhouse'";
  assert.ok(INIT_SQL.includes(groupSetting));
  Deno.writeTextFileSync(sql, INIT_SQL.replace(groupSetting, `kafka_group_name = '${group}'`));
  const env = {
    CLICKHOUSE_HOST: server.host,
    CLICKHOUSE_PORT: String(server.port),
    KAFKA_BROKERS: KAFKA_TEST_BROKERS,
    KAFKA_TOPIC: topic,
  };
  const ch = new ClickHouse({
    url: server.url,
    username: "default",
    password: "",
    database: "default",
  });
  const count = async (where: string) =>
    (await ch.rows<{ n: number }>(
      `SELECT toUInt32(count()) AS n FROM exchange_events WHERE ${where}`,
    ))[0].n;
  const kafka = new Kafka({ brokers: KAFKA_TEST_BROKERS.split(","), logLevel: logLevel.NOTHING });
  let producer: Producer | null = null;
  try {
    await t.step("platform init creates the consumer on the topic", async () => {
      const init = await runCli(["platform", "init", "--sql", sql], { env });
      assert.equal(init.code, 0, init.stderr);
      assert.equal(init.stderr, "");
      // The topic first: a consumer that subscribes before it exists reads nothing for a minute.
      assert.match(
        init.stdout,
        new RegExp(`^Kafka topic ${topic} on ${KAFKA_TEST_BROKERS}: ready, 3 partitions$`, "m"),
      );
      assert.match(init.stdout, new RegExp(`^applied 8 statements from ${sql}$`, "m"));
      const admin = kafka.admin();
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(topic);
      await admin.disconnect();
      assert.equal(offsets.length, 3);
    });

    const dir = tempDir("chkafka");
    const exp = new Expected();
    await t.step("every produced event is in exchange_events, as in the files", async () => {
      const run = await runCli([
        "run",
        ...kafkaFlags(topic),
        ...WEEKEND_RUN,
        "--output",
        dir,
      ]);
      assert.equal(run.code, 0, run.stderr);
      for (const s of runSessions(dir)) exp.add(s, sessionRecords(s));
      await waitFor(
        `${exp.total} rows in exchange_events`,
        async () => (await count("1")) === exp.total || undefined,
      );
      const counts = await ch.rows<{ k: string; n: number }>(
        "SELECT concat(symbol, ' ', toString(date), ' ', type_name) AS k, toUInt32(count()) AS n " +
          "FROM exchange_events GROUP BY k",
      );
      assert.deepEqual(
        Object.fromEntries(counts.map((c) => [c.k, c.n])),
        Object.fromEntries(exp.counts),
      );
    });

    await t.step("qrsdp midprice shows the last trades' bid, ask and mid", async () => {
      const mid = await runCli(["midprice", "--format", "json"], { env });
      assert.equal(mid.code, 0, mid.stderr);
      const rows = mid.stdout.trim().split("\n").map((l) => JSON.parse(l));
      assert.deepEqual(rows.map((r) => r.symbol), ["AAA", "BBB"]);
      for (const r of rows) {
        assert.ok(exp.bid.get(r.symbol)!.prices.has(r.best_bid_ticks), JSON.stringify(r));
        assert.ok(exp.ask.get(r.symbol)!.prices.has(r.best_ask_ticks), JSON.stringify(r));
        assert.equal(r.midprice_ticks, (r.best_bid_ticks + r.best_ask_ticks) / 2);
      }
    });

    await t.step(
      "qrsdp status shows rows per symbol and date and a consumer lag of 0",
      async () => {
        const status = await waitFor(
          "status with lag 0",
          async () => {
            const res = await runCli(["status", "--kafka-brokers", KAFKA_TEST_BROKERS], { env });
            assert.equal(res.code, 0, res.stderr);
            return /p0=0 p1=0 p2=0$/m.test(res.stdout) ? res.stdout : undefined;
          },
          20_000,
          500,
        );
        const lines = status.split("\n");
        assert.match(lines[0], /^symbol\s+date\s+events\s+newest_event$/);
        for (const { symbol, date } of runSessions(dir)) {
          const events = [...exp.counts].filter(([k]) => k.startsWith(`${symbol} ${date} `))
            .reduce((a, [, n]) => a + n, 0);
          const row = new RegExp(`^${symbol}\\s+${date}\\s+${events}\\s+${date} 09:3\\d:`);
          assert.ok(lines.some((l) => row.test(l)), `${symbol} ${date} ${events} in\n${status}`);
        }
        assert.match(status, /^malformed messages: 0$/m);
        assert.match(
          status,
          new RegExp(`^kafka consumer lag \\(${group} on ${topic}\\)`, "m"),
        );
      },
    );

    producer = kafka.producer();
    await producer.connect();
    await t.step("an event is queryable about a second after it is produced", async () => {
      const latencies: number[] = [];
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        await producer!.send({
          topic,
          messages: [{
            key: "LAT",
            value: record(34_200e9 + i, EventType.EXECUTE_BUY, 100 + i),
            headers: { date: "2026-01-06" },
          }],
        });
        await waitFor(
          "the event",
          async () => (await count("symbol = 'LAT'")) > i || undefined,
          10_000,
          20,
        );
        latencies.push(Math.round(performance.now() - start));
      }
      console.log(`produce-to-query latency (ms): ${latencies.join(", ")}`);
      assert.ok(Math.max(...latencies) < 2000, `latencies ${latencies}`);
    });

    await t.step(
      "a malformed message lands in exchange_events_errors; the next ones arrive, one with no date header on its timestamp's date",
      async () => {
        const bad = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        await producer!.send({
          topic,
          messages: [
            { key: "BAD", value: bad, headers: { date: "2026-01-06" } },
            // As the C++ reference producer sends them: no header; the date is the timestamp's.
            {
              key: "BAD",
              value: record(1, EventType.EXECUTE_SELL, 99),
              timestamp: String(Date.parse("2026-03-04T23:00:00Z")),
            },
            {
              key: "BAD",
              value: record(2, EventType.EXECUTE_SELL, 98),
              headers: { date: "2026-01-06" },
            },
          ],
        });
        await waitFor(
          "the good messages",
          async () => (await count("symbol = 'BAD'")) === 2 || undefined,
        );
        const errors = await waitFor("one error row", async () => {
          const rows = await ch.rows<{ topic: string; key: string; raw: string; error: string }>(
            "SELECT topic, key, hex(raw_message) AS raw, error FROM exchange_events_errors " +
              "ORDER BY offset",
          );
          return rows.length === 1 ? rows : undefined;
        });
        assert.deepEqual(errors.map((e) => [e.topic, e.key, e.raw]), [
          [topic, "BAD", "0102030405060708090A"],
        ]);
        assert.match(errors[0].error, /^Cannot read all data/);
        assert.deepEqual(
          await ch.rows(
            "SELECT symbol, toString(date) AS date, price_ticks FROM exchange_events " +
              "WHERE symbol = 'BAD' ORDER BY date",
          ),
          [
            { symbol: "BAD", date: "2026-01-06", price_ticks: 98 },
            { symbol: "BAD", date: "2026-03-04", price_ticks: 99 },
          ],
        );
        const status = await runCli(["status"], { env: { ...env, KAFKA_BROKERS: "" } });
        assert.match(status.stdout, /^malformed messages: 1$/m);
      },
    );
    /** Rows per "symbol date type" of `symbols` in exchange_events. */
    const countsOf = async (symbols: string[]) =>
      Object.fromEntries(
        (await ch.rows<{ k: string; n: number }>(
          "SELECT concat(symbol, ' ', toString(date), ' ', type_name) AS k, " +
            "toUInt32(count()) AS n FROM exchange_events " +
            `WHERE symbol IN (${symbols.map((x) => `'${x}'`).join(",")}) GROUP BY k`,
        )).map((c) => [c.k, c.n]),
      );
    const expectedOf = (dir: string) => {
      const e = new Expected();
      for (const s of runSessions(dir)) e.add(s, sessionRecords(s));
      return Object.fromEntries(e.counts);
    };

    await t.step(
      "64 events per message: the rows per symbol, date and type are the files'",
      async () => {
        const packed = tempDir("chkafka_packed");
        const run = await runCli([
          "run",
          ...kafkaFlags(topic),
          ...WEEKEND_RUN.map((a) => a === "AAA:10000,BBB:25000" ? "PKA:10000,PKB:25000" : a),
          "--kafka-records-per-message",
          "64",
          "--output",
          packed,
        ]);
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /^kafka PKA: [\d,]+ events produced, .* ([\d,]+) messages sent/m);
        const expected = expectedOf(packed);
        const total = Object.values(expected).reduce((a, n) => a + n, 0);
        await waitFor(
          `${total} packed rows`,
          async () => (await count("symbol IN ('PKA', 'PKB')")) === total || undefined,
        );
        assert.deepEqual(await countsOf(["PKA", "PKB"]), expected);
      },
    );

    await t.step("paced and packed: an event is queryable within a second of leaving", async () => {
      const paced = tempDir("chkafka_paced");
      const polls: [number, number][] = [];
      const child = spawnCli([
        "run",
        ...kafkaFlags(topic),
        "--securities",
        "RT:10000",
        "--seconds",
        "300",
        "--realtime",
        "--speed",
        "50",
        "--kafka-records-per-message",
        "64",
        "--output",
        paced,
      ]);
      const stderr = new Response(child.stderr).text();
      let done = false;
      const status = child.status.then((s) => {
        done = true;
        return s;
      });
      const stdout = new Response(child.stdout).text();
      while (!done) {
        polls.push([Date.now(), await count("symbol = 'RT'")]);
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.equal((await status).code, 0, await stderr);
      assert.match(await stdout, /^kafka RT: /m);
      const expected = expectedOf(paced);
      const total = Object.values(expected).reduce((a, n) => a + n, 0);
      await waitFor(
        `${total} paced rows`,
        async () => {
          polls.push([Date.now(), await count("symbol = 'RT'")]);
          return polls.at(-1)![1] === total || undefined;
        },
        30_000,
        25,
      );
      assert.deepEqual(await countsOf(["RT"]), expected);
      // Each message's rows against the time it left the producer (its timestamp).
      const messages = (await readTopic(topic)).filter((m) => m.key === "RT");
      assert.ok(messages.some((m) => m.value.length < 64 * RECORD_SIZE), "partly filled");
      let through = 0;
      const latencies = messages.map((m) => {
        through += m.value.length / RECORD_SIZE;
        const seen = polls.find(([, n]) => n >= through)!;
        return seen[0] - m.timestamp;
      }).sort((a, b) => a - b);
      const at = (q: number) => latencies[Math.floor(q * (latencies.length - 1))];
      console.log(
        `paced, 64 per message: ${messages.length} messages, send-to-query latency (ms) ` +
          `p50 ${at(0.5)}, p99 ${at(0.99)}, max ${at(1)} (+ at most the 5 ms linger)`,
      );
      assert.ok(at(1) < 2000, `latencies ${latencies}`);
    });
  } catch (e) {
    console.error(`chdb_http.py stderr (tail):\n${server.log().slice(-3000)}`);
    throw e;
  } finally {
    await producer?.disconnect();
    await ch.close();
    await server.stop();
  }
});
