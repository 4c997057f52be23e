/**
 * sql/init.sql and sql/init.sh on a real ClickHouse engine (chdb, through
 * tests/clickhouse/chdb_http.py). The views are fed through a stand-in for the Kafka table that
 * takes INSERTs (clickhouse_kafka_test.ts feeds the real Kafka engine from a broker).
 */
import assert from "node:assert/strict";
import { ClickHouse } from "../src/platform/client.ts";
import { initSqlVariables, substitute } from "../src/platform/init_sql.ts";
import { EventType } from "../src/core/events.ts";
import { RECORD_SIZE } from "../src/format/record.ts";
import { QrsdpReader } from "../src/format/reader.ts";
import { chQuery, startChdbServer } from "./clickhouse/server.ts";
import type { ChdbServer } from "./clickhouse/server.ts";
import {
  closedPort,
  eventTimeText,
  Expected,
  INIT_OBJECTS,
  INIT_SQL,
  initStatements,
  runSessions,
  sessionRecords,
  STAND_IN_INSERT,
  StandInRows,
  standInSql,
  WEEKEND_RUN,
} from "./clickhouse/platform.ts";
import type { Session } from "./clickhouse/platform.ts";
import { ROOT, runCli, tempDir } from "./helpers.ts";

function client(server: ChdbServer): ClickHouse {
  return new ClickHouse({
    url: server.url,
    username: "default",
    password: "",
    database: "default",
  });
}

async function withServer(fn: (server: ChdbServer, ch: ClickHouse) => Promise<void>) {
  const server = await startChdbServer();
  const ch = client(server);
  try {
    await fn(server, ch);
  } catch (e) {
    console.error(`chdb_http.py stderr (tail):\n${server.log().slice(-3000)}`);
    throw e;
  } finally {
    await ch.close();
    await server.stop();
  }
}

Deno.test("init.sql applies on chdb statement by statement, and again with no change", async () => {
  await withServer(async (_server, ch) => {
    const env = {
      KAFKA_BROKERS: `127.0.0.1:${closedPort()}`,
      KAFKA_TOPIC: "test.init",
      KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT",
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-256",
      KAFKA_SASL_USERNAME: String.raw`o'brien\x /&|`,
      KAFKA_SASL_PASSWORD: String.raw`p'w\d`,
    };
    const statements = initStatements(env);
    assert.equal(statements.length, Object.keys(INIT_OBJECTS).length);
    for (let round = 0; round < 2; round++) {
      for (const s of statements) await ch.command(s);
    }
    const tables = await ch.rows<{ name: string; engine: string; engine_full: string }>(
      "SELECT name, engine, engine_full FROM system.tables WHERE database = currentDatabase()",
    );
    assert.deepEqual(
      Object.fromEntries(tables.map((t) => [t.name, t.engine])),
      INIT_OBJECTS,
    );
    const kafka = tables.find((t) => t.name === "exchange_events_kafka")!.engine_full;
    for (
      const setting of [
        `kafka_broker_list = '${env.KAFKA_BROKERS}'`,
        "kafka_topic_list = 'test.init'",
        "kafka_group_name = 'qrsdp_clickhouse'",
        "kafka_format = 'RowBinary'",
        "kafka_handle_error_mode = 'stream'",
        "kafka_flush_interval_ms = 500",
        "kafka_security_protocol = 'SASL_PLAINTEXT'",
        "kafka_sasl_mechanism = 'SCRAM-SHA-256'",
        // The quote and the backslash survived as themselves: ClickHouse prints them escaped.
        String.raw`kafka_sasl_username = 'o\'brien\\x /&|'`,
      ]
    ) {
      assert.ok(kafka.includes(setting), `${setting} in ${kafka}`);
    }
    assert.ok(!kafka.includes("p'w") && !kafka.includes(String.raw`p\'w`), "password shown");
  });
});

Deno.test("init.sh substitutes as platform init does, and never shows the password", async () => {
  const dir = tempDir("initsh");
  Deno.writeTextFileSync(
    `${dir}/clickhouse`,
    `#!/bin/sh
printf '%s\\n' "$@" >"${dir}/args"
cat >"${dir}/stdin"
printf '%s' "\${CLICKHOUSE_PASSWORD:-}" >"${dir}/password"
`,
  );
  Deno.chmodSync(`${dir}/clickhouse`, 0o755);
  const password = String.raw`s3'cr\et/&|$x` + "${KAFKA_TOPIC}";
  const kafkaPassword = String.raw`k'p\w/&|` + "${KAFKA_BROKERS}";
  const env = {
    PATH: `${dir}:${Deno.env.get("PATH")}`,
    KAFKA_BROKERS: "b1:9092,b2:9092",
    KAFKA_TOPIC: "",
    KAFKA_SASL_USERNAME: "user&name",
    KAFKA_SASL_PASSWORD: kafkaPassword,
    CLICKHOUSE_USER: "admin",
    CLICKHOUSE_PASSWORD: password,
  };
  const expected = substitute(
    INIT_SQL,
    initSqlVariables((n) => (env as Record<string, string>)[n]),
  );
  const script = `${ROOT}/sql/init.sh`;
  // As the image's entrypoint runs it (executable) and sources it (not executable), elsewhere.
  for (const [shell, args] of [["sh", [script]], ["bash", ["-c", `. '${script}'`]]] as const) {
    for (const f of ["args", "stdin", "password"]) {
      try {
        Deno.removeSync(`${dir}/${f}`);
      } catch { /* first round */ }
    }
    const out = await new Deno.Command(shell, {
      args: [...args],
      env,
      clearEnv: true,
      cwd: "/",
      stdin: "null",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.equal(Deno.readTextFileSync(`${dir}/stdin`), expected);
    assert.ok(
      Deno.readTextFileSync(`${dir}/stdin`).includes(String.raw`'k\'p\\w/&|` + "${KAFKA_BROKERS}'"),
    );
    const argv = Deno.readTextFileSync(`${dir}/args`);
    assert.deepEqual(argv.trim().split("\n"), [
      "client",
      "--multiquery",
      "--host",
      "127.0.0.1",
      "--user",
      "admin",
    ]);
    assert.equal(Deno.readTextFileSync(`${dir}/password`), password);
    for (const secret of [password, kafkaPassword, "s3'cr", "k'p"]) {
      assert.ok(!stdout.includes(secret) && !stderr.includes(secret), `${shell}: secret shown`);
    }
    assert.match(stdout, /applied .*init\.sql \(Kafka b1:9092,b2:9092, topic exchange\.events\)/);
  }
  Deno.writeTextFileSync(`${dir}/bad.sql`, "SELECT '${NOT_A_VARIABLE}';\n");
  const bad = await new Deno.Command("sh", {
    args: [script],
    env: { ...env, QRSDP_INIT_SQL: `${dir}/bad.sql` },
    clearEnv: true,
    stdin: "null",
  }).output();
  assert.notEqual(bad.code, 0);
  assert.match(
    new TextDecoder().decode(bad.stderr),
    /needs \$\{NOT_A_VARIABLE\}, which has no value/,
  );
});

/** Runs the stand-in feed: each session's records as Kafka would deliver them. */
async function feed(server: ChdbServer, parts: { s: Session; records: Uint8Array[] }[]) {
  const rows = new StandInRows();
  for (const { s, records } of parts) {
    for (const record of records) rows.add({ record, key: s.symbol, headers: { date: s.date } });
  }
  await chQuery(server, STAND_IN_INSERT, rows.take());
}

function tsOf(record: Uint8Array): number {
  const v = new DataView(record.buffer, record.byteOffset, RECORD_SIZE);
  return v.getUint32(4, true) * 2 ** 32 + v.getUint32(0, true);
}

interface MidRow {
  symbol: string;
  best_bid_ticks: number | null;
  best_ask_ticks: number | null;
  midprice_ticks: number | null;
}

async function assertMidprice(ch: ClickHouse, exp: Expected, what: string) {
  const rows = await ch.rows<MidRow>("SELECT * FROM v_current_midprice ORDER BY symbol");
  assert.deepEqual(rows.map((r) => r.symbol), [...exp.bid.keys()].sort(), what);
  for (const r of rows) {
    const bid = exp.bid.get(r.symbol)!, ask = exp.ask.get(r.symbol)!;
    assert.ok(bid.prices.has(r.best_bid_ticks!), `${what}: ${r.symbol} bid ${r.best_bid_ticks}`);
    assert.ok(ask.prices.has(r.best_ask_ticks!), `${what}: ${r.symbol} ask ${r.best_ask_ticks}`);
    assert.equal(r.midprice_ticks, (r.best_bid_ticks! + r.best_ask_ticks!) / 2);
  }
}

Deno.test("the views: counts per symbol, date and type, event_time, and the midprice across a weekend", async () => {
  const dir = tempDir("chfeed");
  const run = await runCli(["run", ...WEEKEND_RUN, "--output", dir]);
  assert.equal(run.code, 0, run.stderr);
  const sessions = runSessions(dir);
  assert.deepEqual([...new Set(sessions.map((s) => s.date))], ["2026-01-02", "2026-01-05"]);
  const records = new Map(sessions.map((s) => [s, sessionRecords(s)]));

  await withServer(async (server, ch) => {
    for (const s of initStatements({}, standInSql())) await ch.command(s);

    // Friday whole, then Monday up to mid-session: Monday's latest trades have smaller ts_ns than
    // Friday's last ones, which is where ordering by ts_ns alone goes wrong.
    const cut = new Map<Session, number>();
    for (const s of sessions) {
      const h = QrsdpReader.open(s.path).header;
      const mid = h.marketOpenNs + h.sessionSeconds * 1e9 / 2;
      const recs = records.get(s)!;
      cut.set(s, s.date === "2026-01-05" ? recs.findIndex((r) => tsOf(r) >= mid) : recs.length);
    }
    const first = sessions.map((s) => ({ s, records: records.get(s)!.slice(0, cut.get(s)) }));
    const exp = new Expected();
    for (const p of first) exp.add(p.s, p.records);
    let discriminating = 0;
    for (const sym of exp.bid.keys()) {
      for (
        const [right, tsOnly] of [[exp.bid, exp.bidByTsOnly], [exp.ask, exp.askByTsOnly]] as const
      ) {
        assert.equal(right.get(sym)!.date, "2026-01-05", `${sym}: the latest trade is Monday's`);
        assert.equal(tsOnly.get(sym)!.date, "2026-01-02", `${sym}: by ts_ns alone, Friday's`);
        if (!tsOnly.get(sym)!.prices.has(right.get(sym)!.price)) discriminating++;
      }
    }
    assert.ok(discriminating > 0, "the case does not tell (date, ts_ns) from ts_ns");
    await feed(server, first);
    await assertMidprice(ch, exp, "Friday + half of Monday");

    const rest = sessions.map((s) => ({ s, records: records.get(s)!.slice(cut.get(s)) }));
    for (const p of rest) exp.add(p.s, p.records);
    await feed(server, rest);
    await assertMidprice(ch, exp, "both days");

    const counts = await ch.rows<{ symbol: string; date: string; type_name: string; n: number }>(
      "SELECT symbol, toString(date) AS date, type_name, toUInt32(count()) AS n " +
        "FROM exchange_events " +
        "GROUP BY symbol, date, type_name",
    );
    assert.deepEqual(
      Object.fromEntries(counts.map((c) => [`${c.symbol} ${c.date} ${c.type_name}`, c.n])),
      Object.fromEntries(exp.counts),
    );
    assert.equal(exp.total, [...records.values()].reduce((n, r) => n + r.length, 0));

    // First and last event of each session: event_time is the date at 00:00 UTC plus ts_ns.
    const ends = await ch.rows<{ symbol: string; date: string; ts_ns: string; t: string }>(
      "SELECT symbol, toString(date) AS date, toString(ts_ns) AS ts_ns, " +
        "toString(event_time) AS t FROM (" +
        "SELECT * FROM exchange_events ORDER BY symbol, date, ts_ns LIMIT 1 BY symbol, date " +
        "UNION ALL SELECT * FROM exchange_events ORDER BY symbol, date, ts_ns DESC " +
        "LIMIT 1 BY symbol, date) ORDER BY symbol, date, ts_ns",
    );
    assert.equal(ends.length, sessions.length * 2);
    for (const e of ends) {
      const s = sessions.find((x) => x.symbol === e.symbol && x.date === e.date)!;
      const recs = records.get(s)!;
      assert.ok([tsOf(recs[0]), tsOf(recs[recs.length - 1])].includes(Number(e.ts_ns)));
      assert.equal(e.t, eventTimeText(e.date, Number(e.ts_ns)));
    }
    assert.equal(ends[0].t.slice(11, 16), "09:30");
    const errors = await ch.rows<{ n: number }>(
      "SELECT toUInt32(count()) AS n FROM exchange_events_errors",
    );
    assert.equal(errors[0].n, 0);
  });
});

Deno.test("bad messages go to exchange_events_errors and the rows after them still arrive", async () => {
  await withServer(async (server, ch) => {
    for (const s of initStatements({}, standInSql())) await ch.command(s);
    const record = (tsNs: number, type: number, price: number) => {
      const b = new Uint8Array(RECORD_SIZE);
      const v = new DataView(b.buffer);
      v.setUint32(0, tsNs % 2 ** 32, true);
      v.setUint32(4, Math.floor(tsNs / 2 ** 32), true);
      v.setUint8(8, type);
      v.setInt32(10, price, true);
      v.setUint32(18, tsNs, true); // order ids of their own: (symbol, date, order_id) is the key
      return b;
    };
    const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    const date = { date: "2026-01-05" };
    const short = new Uint8Array(10).fill(7);
    const rows = new StandInRows();
    // What the Kafka engine hands over for a value that is not a RowBinary row (stream mode).
    rows.add({
      key: "AAA",
      headers: date,
      error: "Cannot read all data. Bytes read: 0. Bytes expected: 4: (at row 1)\n",
      raw: short,
    });
    rows.add({ record: record(1, EventType.EXECUTE_BUY, 101), key: "AAA" });
    rows.add({
      record: record(2, EventType.EXECUTE_BUY, 102),
      key: "AAA",
      headers: { date: "2026-02-30" },
    });
    rows.add({ record: record(3, EventType.EXECUTE_BUY, 103), key: "", headers: date });
    rows.add({ record: record(4, 9, 104), key: "AAA", headers: { other: "x", ...date } });
    rows.add({ record: record(5, EventType.EXECUTE_BUY, 105), key: "AAA", headers: date });
    await chQuery(server, STAND_IN_INSERT, rows.take());

    const errors = await ch.rows<{ offset: number; key: string; raw: string; error: string }>(
      "SELECT toUInt32(offset) AS offset, key, hex(raw_message) AS raw, error " +
        "FROM exchange_events_errors " +
        "ORDER BY offset",
    );
    assert.deepEqual(errors, [
      {
        offset: 0,
        key: "AAA",
        raw: hex(short).toUpperCase(),
        error: "Cannot read all data. Bytes read: 0. Bytes expected: 4: (at row 1)",
      },
      {
        offset: 1,
        key: "AAA",
        raw: hex(record(1, 4, 101)).toUpperCase(),
        error: "message has no date header and no timestamp",
      },
      {
        offset: 2,
        key: "AAA",
        raw: hex(record(2, 4, 102)).toUpperCase(),
        error: "date header is not a YYYY-MM-DD date: 2026-02-30",
      },
      {
        offset: 3,
        key: "",
        raw: hex(record(3, 4, 103)).toUpperCase(),
        error: "message has no key (the symbol)",
      },
    ]);
    const events = await ch.rows(
      "SELECT toUInt32(ts_ns) AS ts, type_name, price_ticks FROM exchange_events ORDER BY ts",
    );
    assert.deepEqual(events, [
      { ts: 4, type_name: "UNKNOWN", price_ticks: 104 },
      { ts: 5, type_name: "EXECUTE_BUY", price_ticks: 105 },
    ]);
    assert.deepEqual(await ch.rows("SELECT * FROM v_current_midprice"), [
      { symbol: "AAA", best_bid_ticks: null, best_ask_ticks: 105, midprice_ticks: null },
    ]);
  });
});

Deno.test("a message with no date header takes the UTC date of its timestamp, as from the C++ reference producer", async () => {
  await withServer(async (server, ch) => {
    for (const s of initStatements({}, standInSql())) await ch.command(s);
    const record = (tsNs: number) => {
      const b = new Uint8Array(RECORD_SIZE);
      new DataView(b.buffer).setUint32(0, tsNs, true);
      b[8] = EventType.ADD_BID;
      return b;
    };
    const at = (iso: string) => Date.parse(iso) / 1000;
    const rows = new StandInRows();
    // The reference producer's messages: key and value, no header; timestamps late in a UTC day.
    rows.add({ record: record(1), key: "REF", timestamp: at("2026-03-04T23:59:59Z") });
    rows.add({ record: record(2), key: "REF", timestamp: at("2026-03-05T00:00:00Z") });
    // Ours: the header wins over the timestamp.
    rows.add({
      record: record(3),
      key: "OURS",
      timestamp: at("2026-03-05T12:00:00Z"),
      headers: { date: "2026-01-09" },
    });
    await chQuery(server, STAND_IN_INSERT, rows.take());
    assert.deepEqual(
      await ch.rows(
        "SELECT symbol, toString(date) AS date, toUInt32(ts_ns) AS ts FROM exchange_events " +
          "ORDER BY ts",
      ),
      [
        { symbol: "REF", date: "2026-03-04", ts: 1 },
        { symbol: "REF", date: "2026-03-05", ts: 2 },
        { symbol: "OURS", date: "2026-01-09", ts: 3 },
      ],
    );
    assert.deepEqual(await ch.rows("SELECT count() AS n FROM exchange_events_errors"), [{ n: 0 }]);
  });
});
