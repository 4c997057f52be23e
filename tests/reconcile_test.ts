/**
 * `qrsdp reconcile` end to end: runs into the test broker, ingested by chdb's Kafka engine with
 * sql/init.sql, then the files, the topic and the table compared, clean and made to disagree.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Kafka, logLevel } from "kafkajs";
import { QrsdpReader } from "../src/format/reader.ts";
import { KAFKA_TEST_BROKERS, kafkaFlags, requireBroker } from "./kafka/broker.ts";
import { chQuery, startChdbServer } from "./clickhouse/server.ts";
import { INIT_SQL, waitFor } from "./clickhouse/platform.ts";
import { runCli, tempDir } from "./helpers.ts";

await requireBroker();

const RUN = ["--securities", "AAA:10000,BBB:20000", "--seconds", "120", "--seed", "3", "--quiet"];

Deno.test("reconcile: files, topic and table agree, then each disagreement is named", async (t) => {
  const server = await startChdbServer();
  const id = crypto.randomUUID().slice(0, 8);
  const topic = `test.reconcile.${id}`;
  const sql = `${tempDir("reconcile_sql")}/init.sql`;
  Deno.writeTextFileSync(
    sql,
    INIT_SQL.replace("kafka_group_name = 'qrsdp_clickhouse'", `kafka_group_name = 'rc_${id}'`),
  );
  const env = {
    CLICKHOUSE_HOST: server.host,
    CLICKHOUSE_PORT: String(server.port),
    KAFKA_BROKERS: KAFKA_TEST_BROKERS,
    KAFKA_TOPIC: topic,
  };
  const reconcile = (dir: string, ...more: string[]) =>
    runCli([
      "reconcile",
      dir,
      "--kafka-brokers",
      KAFKA_TEST_BROKERS,
      "--kafka-topic",
      topic,
      ...more,
    ], { env });
  const rows = async () => Number(await chQuery(server, "SELECT count() FROM exchange_events"));
  const root = tempDir("reconcile");
  // One event per message on Monday and Tuesday, 64 per message on the next Monday.
  const single = `${root}/single`, packed = `${root}/packed`;
  try {
    const init = await runCli(["platform", "init", "--sql", sql], { env });
    assert.equal(init.code, 0, init.stderr);
    let total = 0;
    for (
      const [dir, more] of [
        [single, ["--days", "2", "--start-date", "2026-01-05"]],
        [packed, [
          "--days",
          "1",
          "--start-date",
          "2026-01-12",
          "--kafka-records-per-message",
          "64",
        ]],
      ] as const
    ) {
      const run = await runCli([
        "run",
        ...RUN,
        ...more,
        ...kafkaFlags(topic),
        "--output",
        dir,
        "--json",
      ]);
      assert.equal(run.code, 0, run.stderr);
      total += JSON.parse(run.stdout).events;
    }
    await waitFor(`${total} rows`, async () => (await rows()) === total || undefined, 60_000);

    await t.step("a clean run: every place agrees, in both message modes", async () => {
      for (const dir of [single, packed]) {
        const r = await reconcile(dir, "--clickhouse");
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(
          r.stdout,
          /^\d \(symbol, date\)s, [\d,]+ events in the files; topic and clickhouse: all agree \([\d,]+ events of other runs in the topic\)$/m,
        );
      }
      const json = JSON.parse((await reconcile(packed, "--json")).stdout);
      assert.equal(json.ok, true);
      assert.deepEqual(
        json.groups.map((g: { symbol: string; date: string }) => `${g.symbol} ${g.date}`),
        ["AAA 2026-01-12", "BBB 2026-01-12"],
      );
      for (const g of json.groups) assert.deepEqual(g.places.topic, g.files);
    });

    await t.step("events deleted from the table: named by order_id range, exit 1", async () => {
      await chQuery(
        server,
        "ALTER TABLE exchange_events DELETE WHERE symbol = 'BBB' AND date = '2026-01-06' " +
          "AND order_id BETWEEN 100 AND 104 SETTINGS mutations_sync = 1",
      );
      const r = await reconcile(single, "--clickhouse");
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stdout,
        /^BBB 2026-01-06: clickhouse: [\d,]+ events, files [\d,]+; missing order_id 100-104$/m,
      );
      assert.match(r.stdout, /topic and clickhouse: 1 disagree/);
      assert.doesNotMatch(r.stdout, /topic:/);
    });

    await t.step("a message produced twice: the topic names the order_id", async () => {
      const file = QrsdpReader.open(`${packed}/AAA/2026-01-12.qrsdp`);
      const value = file.chunkRecords(0).slice(26 * 41, 26 * 42); // order_id 42
      const kafka = new Kafka({ brokers: [KAFKA_TEST_BROKERS], logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic,
        messages: [{ key: "AAA", value: Buffer.from(value), headers: { date: "2026-01-12" } }],
      });
      await producer.disconnect();
      const r = await reconcile(packed);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stdout,
        /^AAA 2026-01-12: topic: [\d,]+ events, files [\d,]+; duplicated order_id 42$/m,
      );
    });

    await t.step("a file cut short: its damage and the events it lost are named", async () => {
      const cut = `${root}/cut`;
      Deno.mkdirSync(`${cut}/AAA`, { recursive: true });
      Deno.mkdirSync(`${cut}/BBB`, { recursive: true });
      Deno.copyFileSync(`${single}/manifest.json`, `${cut}/manifest.json`);
      for (const f of ["AAA/2026-01-05", "AAA/2026-01-06", "BBB/2026-01-05", "BBB/2026-01-06"]) {
        Deno.copyFileSync(`${single}/${f}.qrsdp`, `${cut}/${f}.qrsdp`);
      }
      const victim = `${cut}/AAA/2026-01-05.qrsdp`;
      const reader = QrsdpReader.open(victim);
      const kept = reader.chunks[0].recordCount;
      // Cut inside the second chunk: the first chunk's events are all that is left.
      Deno.truncateSync(victim, reader.chunks[1].offset + 40);
      const r = await reconcile(cut);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /^AAA 2026-01-05: file: .*AAA\/2026-01-05\.qrsdp: byte \d+: /m);
      assert.match(
        r.stdout,
        new RegExp(
          `^AAA 2026-01-05: topic: [\\d,]+ events, files ${
            kept.toLocaleString("en-US")
          }; not in the file: order_id ${kept + 1}-\\d+$`,
          "m",
        ),
      );
    });

    await t.step(
      "a run restarted into the topic: duplicates shown, FINAL holds each once",
      async () => {
        const again = await runCli([
          "run",
          ...RUN,
          "--days",
          "1",
          "--start-date",
          "2026-01-12",
          "--kafka-records-per-message",
          "64",
          ...kafkaFlags(topic),
          "--output",
          packed,
          "--force",
          "--json",
        ]);
        assert.equal(again.code, 0, again.stderr);
        const events = JSON.parse(again.stdout).events as number;
        const r = await reconcile(packed);
        assert.equal(r.code, 1);
        assert.match(
          r.stdout,
          /^BBB 2026-01-12: topic: [\d,]+ events, files [\d,]+; duplicated order_id 1-\d+$/m,
        );
        // The table received every event twice (AAA's 42 three times) until its parts merge.
        const twice = await waitFor("the second copy in the table", async () => {
          const n = Number(
            await chQuery(server, "SELECT count() FROM exchange_events WHERE date = '2026-01-12'"),
          );
          return n >= 2 * events ? n : undefined;
        }, 60_000);
        assert.ok(twice >= 2 * events);
        await chQuery(server, "OPTIMIZE TABLE exchange_events FINAL");
        assert.equal(
          Number(
            await chQuery(server, "SELECT count() FROM exchange_events WHERE date = '2026-01-12'"),
          ),
          events,
        );
        const table = await runCli(["reconcile", packed, "--clickhouse"], {
          env: { ...env, KAFKA_BROKERS: "" },
        });
        assert.equal(table.code, 0, table.stdout + table.stderr);
        assert.match(table.stdout, /clickhouse: all agree/);
      },
    );
  } finally {
    await server.stop();
  }
});

Deno.test("reconcile: usage errors name the flag", async () => {
  const r = await runCli(["reconcile", tempDir("reconcile_usage")], { env: { KAFKA_BROKERS: "" } });
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /^qrsdp reconcile: give --kafka-brokers \(or KAFKA_BROKERS\), --clickhouse, or both\n$/,
  );
});
