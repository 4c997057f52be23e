/**
 * `run --kafka-format json|avro` end to end: our producer -> the test broker -> chdb's Kafka
 * engine with sql/kafka_json.sql (JSONEachRow) or sql/kafka_avro.sql (AvroConfluent, its schema
 * fetched from the registry by the id each message carries) -> exchange_events; and `consume
 * --kafka-format` on the same topic. Both must give the files' events exactly. The registry is
 * the stand-in of registry_stand_in.ts (why: its header).
 */
import assert from "node:assert/strict";
import { ClickHouse } from "../src/platform/client.ts";
import { initSqlVariables, splitStatements, substitute } from "../src/platform/init_sql.ts";
import { KAFKA_TEST_BROKERS, kafkaFlags, requireBroker } from "./kafka/broker.ts";
import { startChdbServer } from "./clickhouse/server.ts";
import { standInSql, waitFor } from "./clickhouse/platform.ts";
import { assertSameRows, readRecords, ROOT, runCli, tempDir } from "./helpers.ts";
import { startRegistryStandIn } from "./registry_stand_in.ts";

await requireBroker();

const SECURITIES = ["AAA", "BBB"];
const DATES = ["2026-01-02", "2026-01-05"];

/** Every event of the run's files as [symbol, date, ts_ns, type, side, price, qty, order id]. */
function fileRows(dir: string): (string | number)[][] {
  return SECURITIES.flatMap((symbol) =>
    DATES.flatMap((date) =>
      readRecords(`${dir}/${symbol}/${date}.qrsdp`).map((r) => [
        symbol,
        date,
        r.tsNs,
        r.type,
        r.side,
        r.priceTicks,
        r.qty,
        r.orderId,
      ])
    )
  );
}

for (const format of ["json", "avro"] as const) {
  Deno.test(`run --kafka-format ${format}: ClickHouse (${format === "json" ? "JSONEachRow" : "AvroConfluent"}) and consume read the files' events exactly`, async () => {
    const id = crypto.randomUUID().slice(0, 8);
    const topic = `test.formats.${format}.${id}`;
    const registry = startRegistryStandIn();
    const server = await startChdbServer();
    const dir = tempDir(`formats_${format}`);
    try {
      const registryFlags = format === "avro" ? ["--schema-registry", registry.url] : [];
      const run = await runCli([
        "run",
        "--securities",
        "AAA:10000,BBB:25000",
        "--days",
        "2",
        "--seconds",
        "60",
        "--start-date",
        "2026-01-02",
        "--output",
        dir,
        "--quiet",
        ...kafkaFlags(topic),
        "--kafka-format",
        format,
        ...registryFlags,
      ]);
      assert.equal(run.code, 0, run.stderr);
      const expected = fileRows(dir);
      if (format === "avro") {
        assert.deepEqual(registry.requests.filter((r) => r.startsWith("POST")), [
          `POST /subjects/${topic}-value/versions`,
        ]);
      }

      const vars = initSqlVariables((n) =>
        ({
          KAFKA_BROKERS: KAFKA_TEST_BROKERS,
          KAFKA_TOPIC: topic,
          SCHEMA_REGISTRY_URL: registry.url,
        } as Record<string, string>)[n]
      );
      // A group of the test's own: chdb's consumers never leave theirs (see clickhouse_kafka_test).
      const consumerSql = Deno.readTextFileSync(`${ROOT}/sql/kafka_${format}.sql`).replace(
        `kafka_group_name = 'qrsdp_clickhouse_${format}'`,
        `kafka_group_name = 'qrsdp_test_${format}_${id}'`,
      );
      assert.ok(consumerSql.includes(`qrsdp_test_${format}_${id}`));
      const ch = new ClickHouse({
        url: server.url,
        username: "default",
        password: "",
        database: "default",
      });
      // init.sql's tables without its RowBinary consumer, then the format's consumer.
      for (const sql of [standInSql(), consumerSql]) {
        for (const statement of splitStatements(substitute(sql, vars))) await ch.command(statement);
      }
      const got = await waitFor(`${expected.length} rows in exchange_events`, async () => {
        const [{ n }] = await ch.rows<{ n: number }>(
          "SELECT toUInt32(count()) AS n FROM exchange_events",
        );
        return n >= expected.length ? n : undefined;
      }, 60_000);
      assert.equal(got, expected.length);
      const rows = await ch.rows<Record<string, string | number>>(
        `SELECT symbol, toString(date) AS date, toString(ts_ns) AS ts_ns, type, side, price_ticks,
                qty, toString(order_id) AS order_id
         FROM exchange_events ORDER BY symbol, date, toUInt64(ts_ns), toUInt64(order_id)`,
      );
      assertSameRows(
        rows.map((
          r,
        ) => [
          r.symbol,
          r.date,
          Number(r.ts_ns),
          r.type,
          r.side,
          r.price_ticks,
          r.qty,
          Number(r.order_id),
        ]),
        expected,
      );
      const [{ errors }] = await ch.rows<{ errors: number }>(
        "SELECT toUInt32(count()) AS errors FROM exchange_events_errors",
      );
      assert.equal(errors, 0);
      if (format === "avro") {
        assert.ok(registry.requests.includes("GET /schemas/ids/1"), `${registry.requests}`);
      }

      const consumed = await runCli([
        "consume",
        ...kafkaFlags(topic),
        "--kafka-format",
        format,
        ...registryFlags,
        "--offset",
        "beginning",
        "--to-end",
        "--json",
        // Packing is the producer's setting: it must not stop a consume of one-event messages.
      ], { env: { KAFKA_RECORDS_PER_MESSAGE: "16" } });
      assert.equal(consumed.code, 0, consumed.stderr);
      const events = consumed.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
      const byEvent = events.map((
        e,
      ) => [e.key, e.date, e.ts_ns, e.type, e.side, e.price_ticks, e.qty, e.order_id])
        .sort((a, b) =>
          String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])) ||
          a[2] - b[2] || a[7] - b[7]
        );
      assertSameRows(byEvent, expected, "consumed events");
    } finally {
      await server.stop();
      await registry.stop();
      Deno.removeSync(dir, { recursive: true });
    }
  });
}

Deno.test("consume --kafka-format avro: a message whose schema id is not the event schema is reported and passed over", async () => {
  const registry = startRegistryStandIn();
  const topic = `test.formats.foreign.${crypto.randomUUID().slice(0, 8)}`;
  try {
    const reg = await fetch(`${registry.url}/subjects/x-value/versions`, {
      method: "POST",
      body: JSON.stringify({ schema: '"string"' }),
    });
    assert.equal((await reg.json()).id, 1);
    const { Kafka, logLevel } = await import("kafkajs");
    const { Buffer } = await import("node:buffer");
    const kafka = new Kafka({ brokers: [KAFKA_TEST_BROKERS], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: "X", value: Buffer.from([0, 0, 0, 0, 1, 2, 0x41]) },
        { key: "X", value: Buffer.from("{}") },
      ],
    });
    await producer.disconnect();
    const r = await runCli([
      "consume",
      ...kafkaFlags(topic),
      "--kafka-format",
      "avro",
      "--schema-registry",
      registry.url,
      "--offset",
      "beginning",
      "--to-end",
    ]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr,
      /partition \d+ offset 0: schema id 1 is not the event schema \(passed over\)/,
    );
    assert.match(r.stderr, /partition \d+ offset 1: value is not in the Confluent wire format/);
  } finally {
    await registry.stop();
  }
});
