/**
 * sql/cluster/init.sql against the single-node sql/init.sql: the same tables, columns and views,
 * every statement ON CLUSTER and parsed by ClickHouse (chdb). chdb is one embedded server with no
 * cluster, no Keeper and no remote servers, so it cannot create ON CLUSTER, Replicated or
 * Distributed tables; the rehearsal runs the schema with each of those stood in for (the local
 * engine, and a Buffer table that passes every insert through to the shard's local table, as a
 * Distributed table of one shard does) and checks that the views give what the single-node ones
 * give for the same messages.
 */
import assert from "node:assert/strict";
import { ClickHouse } from "../src/platform/client.ts";
import { splitStatements, substitute } from "../src/platform/init_sql.ts";
import { chQuery, startChdbServer } from "./clickhouse/server.ts";
import type { ChdbServer } from "./clickhouse/server.ts";
import {
  initStatements,
  runSessions,
  sessionRecords,
  STAND_IN_INSERT,
  StandInRows,
  standInSql,
  WEEKEND_RUN,
} from "./clickhouse/platform.ts";
import { ROOT, runCli, tempDir } from "./helpers.ts";

const CLUSTER_SQL = Deno.readTextFileSync(`${ROOT}/sql/cluster/init.sql`);
const SINGLE_SQL = Deno.readTextFileSync(`${ROOT}/sql/init.sql`);
const VARS = {
  KAFKA_BROKERS: "b1:9092",
  KAFKA_TOPIC: "exchange.events",
  KAFKA_SECURITY_PROTOCOL: "PLAINTEXT",
  KAFKA_SASL_MECHANISM: "PLAIN",
  KAFKA_SASL_USERNAME: "",
  KAFKA_SASL_PASSWORD: "",
  CLICKHOUSE_CLUSTER: "qrsdp",
};

interface Statement {
  name: string;
  kind: "TABLE" | "VIEW" | "MATERIALIZED VIEW";
  text: string;
}

function statements(sql: string): Map<string, Statement> {
  const out = new Map<string, Statement>();
  for (const text of splitStatements(substitute(sql, VARS))) {
    const m = /^CREATE (TABLE|VIEW|MATERIALIZED VIEW) IF NOT EXISTS (\w+)/.exec(text);
    assert.ok(m, `not a CREATE: ${text.slice(0, 60)}`);
    out.set(m[2], { name: m[2], kind: m[1] as Statement["kind"], text });
  }
  return out;
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();
const columns = (text: string) => squash(/\((.*)\)\s*ENGINE\b/s.exec(text)![1]);
const selectOf = (text: string) => squash(text.slice(text.indexOf(" AS\n") + 4));

Deno.test("the cluster schema has the single node's tables, columns and views", () => {
  const single = statements(SINGLE_SQL), cluster = statements(CLUSTER_SQL);
  for (const s of cluster.values()) {
    assert.match(s.text, /^CREATE [A-Z ]+ IF NOT EXISTS \w+ ON CLUSTER 'qrsdp'/, s.name);
  }
  for (const s of single.values()) {
    const c = cluster.get(s.name);
    assert.ok(c, `${s.name} is missing`);
    assert.equal(c.kind, s.kind, s.name);
    if (s.kind === "TABLE") {
      const engine = /ENGINE = (\w+)/.exec(s.text)![1];
      if (engine === "Kafka") {
        assert.equal(columns(c.text), columns(s.text), s.name);
        assert.match(c.text, /kafka_thread_per_consumer = 1/);
        // One consumer group on every shard: Kafka spreads the partitions over them.
        assert.equal(
          /kafka_group_name = '[^']+'/.exec(c.text)![0],
          /kafka_group_name = '[^']+'/.exec(s.text)![0],
        );
        continue;
      }
      // Data in a replicated local table of the same columns and key, read through a
      // Distributed table of the same name sharded by symbol.
      const local = cluster.get(`${s.name}_local`);
      assert.ok(local, `${s.name}_local is missing`);
      assert.equal(columns(local.text), columns(s.text), s.name);
      assert.match(
        local.text,
        new RegExp(
          `ENGINE = Replicated${engine}\\('/clickhouse/tables/\\{shard\\}/\\{database\\}/${s.name}', '\\{replica\\}'\\)`,
        ),
      );
      for (const clause of ["PARTITION BY", "ORDER BY"]) {
        const of = (t: string) => new RegExp(`${clause} (.*)`).exec(t)?.[1] ?? null;
        assert.equal(of(local.text), of(s.text), `${s.name}: ${clause}`);
      }
      assert.match(
        c.text,
        new RegExp(
          `AS ${s.name}_local\\nENGINE = Distributed\\('qrsdp', currentDatabase\\(\\), ${s.name}_local, cityHash64\\((symbol|key)\\)\\)`,
        ),
      );
    } else {
      // The same SELECT; the BBO view reads the rows its shard stores.
      assert.equal(
        selectOf(c.text).replaceAll("exchange_events_local", "exchange_events"),
        selectOf(s.text),
        s.name,
      );
    }
  }
  const extra = [...cluster.keys()].filter((n) =>
    !single.has(n) && !single.has(n.replace(/_local$/, ""))
  );
  assert.deepEqual(extra, []);
});

/** The cluster schema as one embedded server can run it (see the top of this file). */
function rehearsal(sql: string): string {
  return sql
    .replace(/ ON CLUSTER '[^']*'/g, "")
    .replace(/ENGINE = Replicated(\w+)\('[^']*', '[^']*'\)/g, "ENGINE = $1")
    .replace(
      /ENGINE = Distributed\('[^']*', currentDatabase\(\), (\w+), [^;]*\);/g,
      "ENGINE = Buffer(currentDatabase(), $1, 1, 0, 0, 1, 1, 1, 1);",
    );
}

async function withServer<T>(fn: (server: ChdbServer, ch: ClickHouse) => Promise<T>): Promise<T> {
  const server = await startChdbServer();
  const ch = new ClickHouse({
    url: server.url,
    username: "default",
    password: "",
    database: "default",
  });
  try {
    return await fn(server, ch);
  } finally {
    await ch.close();
    await server.stop();
  }
}

Deno.test("every statement of the cluster schema parses on ClickHouse", async () => {
  await withServer(async (server, ch) => {
    // platform init --cluster applies this schema with the name: a server without that cluster
    // refuses its first statement, named.
    const init = await runCli(["platform", "init", "--cluster", "qrsdp"], {
      env: {
        CLICKHOUSE_HOST: server.host,
        CLICKHOUSE_PORT: String(server.port),
        KAFKA_BROKERS: "",
      },
    });
    assert.equal(init.code, 2, init.stderr);
    assert.match(
      init.stderr,
      /^qrsdp platform: .*sql\/cluster\/init\.sql: statement 1 \(CREATE TABLE IF NOT EXISTS exchange_events_kafka ON CLUSTER\s*\): .*cluster 'qrsdp' not found/,
    );
    for (const s of statements(CLUSTER_SQL).values()) {
      const quoted = `'${s.text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
      const [row] = await ch.rows<{ q: string }>(`SELECT formatQuery(${quoted}) AS q`);
      assert.match(row.q, new RegExp(`^CREATE .*${s.name} ON CLUSTER qrsdp`), s.name);
    }
  });
});

Deno.test("the cluster schema's views give what the single node's give (one-shard rehearsal)", async () => {
  const dir = tempDir("cluster_feed");
  const run = await runCli(["run", ...WEEKEND_RUN, "--output", dir]);
  assert.equal(run.code, 0, run.stderr);
  const rows = new StandInRows();
  for (const s of runSessions(dir)) {
    for (const record of sessionRecords(s)) {
      rows.add({ record, key: s.symbol, headers: { date: s.date } });
    }
  }
  rows.add({ record: new Uint8Array(26), key: "", headers: { date: "2026-01-05" } });
  const feed = rows.take();
  const queries = [
    "SELECT symbol, toString(date) AS d, type_name, toUInt32(count()) AS n FROM exchange_events GROUP BY symbol, d, type_name ORDER BY symbol, d, type_name",
    "SELECT * FROM v_current_midprice ORDER BY symbol",
    "SELECT key, error FROM exchange_events_errors ORDER BY key",
  ];
  const views = (sql: string) =>
    withServer(async (server, ch) => {
      for (const s of initStatements(VARS, standInSql(sql))) await ch.command(s);
      await chQuery(server, STAND_IN_INSERT, feed);
      return await Promise.all(queries.map((q) => ch.rows(q)));
    });
  const single = await views(SINGLE_SQL);
  const cluster = await views(rehearsal(CLUSTER_SQL));
  assert.ok((single[0] as unknown[]).length >= 12 && (single[2] as unknown[]).length === 1);
  assert.deepEqual(cluster, single);
});
