/**
 * platform init, query, midprice and status as a user runs them, against ClickHouse's HTTP
 * interface (chdb behind tests/clickhouse/chdb_http.py).
 */
import assert from "node:assert/strict";
import { chQuery, startChdbServer } from "./clickhouse/server.ts";
import { closedPort } from "./clickhouse/platform.ts";
import { runCli } from "./helpers.ts";

// What exchange_events_mv would write: AAA's latest ask is Friday's late trade, its latest bid
// Monday's early one (smaller ts_ns); BBB has traded on the ask side only.
const EVENTS = `INSERT INTO exchange_events
  (symbol, date, ts_ns, type, side, price_ticks, qty, order_id) VALUES
  ('AAA', '2026-01-02', 34200000000000, 0, 0, 9999, 5, 1),
  ('AAA', '2026-01-02', 34300000000000, 5, 0, 9998, 1, 2),
  ('AAA', '2026-01-02', 57000000000001, 4, 1, 10003, 1, 3),
  ('AAA', '2026-01-05', 34201000000000, 5, 0, 10010, 1, 1),
  ('BBB', '2026-01-02', 35000000000000, 4, 1, 25001, 2, 1)`;

const COUNTS = "SELECT symbol, toString(date) AS date, toUInt32(count()) AS events " +
  "FROM exchange_events GROUP BY symbol, date ORDER BY symbol, date";

function oneLineError(res: { code: number; stdout: string; stderr: string }, pattern: RegExp) {
  assert.equal(res.code, 2, res.stderr);
  assert.equal(res.stdout, "");
  assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
  assert.match(res.stderr.trim(), pattern);
}

Deno.test("platform init, query, midprice and status against ClickHouse", async (t) => {
  const server = await startChdbServer();
  const env = {
    CLICKHOUSE_HOST: server.host,
    CLICKHOUSE_PORT: String(server.port),
    KAFKA_BROKERS: `127.0.0.1:${closedPort()}`,
    KAFKA_TOPIC: "test.query",
  };
  const cli = (...args: string[]) => runCli(args, { env });
  try {
    await t.step("platform init applies init.sql, and again", async () => {
      for (let round = 0; round < 2; round++) {
        const res = await cli("platform", "init");
        assert.equal(res.code, 0, res.stderr);
        assert.match(res.stdout, /^applied 8 statements from .*\/sql\/init\.sql$/m);
        // The tables do not need the broker: only making sure of the topic does.
        assert.match(
          res.stderr,
          /^qrsdp platform init: warning: could not make sure of Kafka topic test\.query on 127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\)/,
        );
      }
      const tables = await chQuery(
        server,
        "SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name",
      );
      assert.equal(
        tables,
        "current_bbo\ncurrent_bbo_mv\nexchange_events\nexchange_events_errors\n" +
          "exchange_events_errors_mv\nexchange_events_kafka\nexchange_events_mv\nv_current_midprice\n",
      );
      await chQuery(server, EVENTS);
    });

    await t.step(
      "query prints csv (the default off a terminal), json lines or a table",
      async () => {
        const csv = '"symbol","date","events"\n"AAA","2026-01-02",3\n"AAA","2026-01-05",1\n' +
          '"BBB","2026-01-02",1\n';
        for (const args of [["--format", "csv"], []]) {
          const res = await cli("query", COUNTS, ...args);
          assert.equal(res.code, 0, res.stderr);
          assert.equal(res.stdout, csv);
        }
        const json = await cli("query", COUNTS, "--format", "json");
        assert.equal(json.code, 0, json.stderr);
        assert.deepEqual(json.stdout.trim().split("\n").map((l) => JSON.parse(l)), [
          { symbol: "AAA", date: "2026-01-02", events: 3 },
          { symbol: "AAA", date: "2026-01-05", events: 1 },
          { symbol: "BBB", date: "2026-01-02", events: 1 },
        ]);
        const table = await cli("query", COUNTS, "--format", "table");
        assert.equal(table.code, 0, table.stderr);
        assert.equal(
          table.stdout,
          "symbol  date        events\n------  ----------  ------\nAAA     2026-01-02  3\n" +
            "AAA     2026-01-05  1\nBBB     2026-01-02  1\n",
        );
        const empty = await cli("query", "SELECT 1 AS x WHERE 0", "--format", "table");
        assert.equal(empty.stdout, "(no rows)\n");
        oneLineError(await cli("query", "SELECT 1", "--format", "xml"), /'xml' is not table/);
      },
    );

    await t.step(
      "midprice: latest bid and ask by date and time; a side not traded is NULL",
      async () => {
        const csv = await cli("midprice", "--format", "csv");
        assert.equal(csv.code, 0, csv.stderr);
        assert.equal(
          csv.stdout,
          '"symbol","best_bid_ticks","best_ask_ticks","midprice_ticks"\n' +
            '"AAA",10010,10003,10006.5\n"BBB",\\N,25001,\\N\n',
        );
        const table = await cli("midprice", "--format", "table");
        assert.equal(table.code, 0, table.stderr);
        assert.match(table.stdout, /^BBB +NULL +25001 +NULL$/m);
        const one = await cli("midprice", "BBB", "--format", "json");
        assert.equal(one.code, 0, one.stderr);
        assert.deepEqual(JSON.parse(one.stdout), {
          symbol: "BBB",
          best_bid_ticks: null,
          best_ask_ticks: 25001,
          midprice_ticks: null,
        });
        oneLineError(await cli("midprice", "x'; DROP"), /'x'; DROP' is not a symbol/);
      },
    );

    await t.step("status: rows per symbol and date, newest event, errors, lag", async () => {
      const res = await runCli(["status"], { env: { ...env, KAFKA_BROKERS: "" } });
      assert.equal(res.code, 0, res.stderr);
      assert.equal(
        res.stdout,
        "symbol  date        events  newest_event\n" +
          "AAA     2026-01-02  3       2026-01-02 15:50:00.000000001\n" +
          "AAA     2026-01-05  1       2026-01-05 09:30:01.000000000\n" +
          "BBB     2026-01-02  1       2026-01-02 09:43:20.000000000\n" +
          "malformed messages: 0\n" +
          "kafka consumer lag: unknown (give --kafka-brokers or KAFKA_BROKERS)\n",
      );
      const noBroker = await cli("status");
      assert.equal(noBroker.code, 0, noBroker.stderr);
      assert.match(noBroker.stdout, /^kafka consumer lag: unknown \(.+\)$/m);
    });

    await t.step("status --json: the same as one JSON document", async () => {
      const res = await runCli(["status", "--json"], { env: { ...env, KAFKA_BROKERS: "" } });
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(JSON.parse(res.stdout), {
        rows: [
          {
            symbol: "AAA",
            date: "2026-01-02",
            events: 3,
            newest_event: "2026-01-02 15:50:00.000000001",
          },
          {
            symbol: "AAA",
            date: "2026-01-05",
            events: 1,
            newest_event: "2026-01-05 09:30:01.000000000",
          },
          {
            symbol: "BBB",
            date: "2026-01-02",
            events: 1,
            newest_event: "2026-01-02 09:43:20.000000000",
          },
        ],
        malformed_messages: 0,
        kafka_lag: null,
        kafka_lag_unknown: "give --kafka-brokers or KAFKA_BROKERS",
      });
    });

    await t.step("bad SQL: ClickHouse's error in one line, exit 2", async () => {
      oneLineError(
        await cli("query", "SELEC 1"),
        /^qrsdp query: ClickHouse at http:\/\/127\.0\.0\.1:\d+: Syntax error.*\(SYNTAX_ERROR\)$/,
      );
      oneLineError(
        await cli("query", "SELECT * FROM no_such_table"),
        /no_such_table.*\(UNKNOWN_TABLE\)$/,
      );
    });
  } finally {
    await server.stop();
  }
});

Deno.test("no ClickHouse there: one line naming the address, exit 2", async () => {
  const port = closedPort();
  const env = { CLICKHOUSE_HOST: "127.0.0.1", CLICKHOUSE_PORT: String(port), KAFKA_BROKERS: "" };
  for (const args of [["query", "SELECT 1"], ["midprice"], ["status"], ["platform", "init"]]) {
    const res = await runCli(args, { env });
    oneLineError(
      res,
      new RegExp(
        `^qrsdp ${
          args[0]
        }: .*cannot reach ClickHouse at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)$`,
      ),
    );
  }
});
