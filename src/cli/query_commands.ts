import { toJson } from "../core/json.ts";
import { UsageError } from "../core/errors.ts";
import { isSymbol } from "../core/symbol.ts";
import { CLICKHOUSE_ENV_HELP, CLICKHOUSE_FLAGS, clickHouseFromFlags } from "./clickhouse_flags.ts";
import { flags, parseCommand } from "./flags.ts";
import type { FlagValues } from "./flags.ts";
import { table } from "./format.ts";
import { writeRaw } from "./output.ts";
import { kafkaBrokersFlag } from "./kafka_flags.ts";
import { DEFAULT_TOPIC } from "../kafka/settings.ts";
import { CONSUMER_GROUP } from "../platform/init_sql.ts";

const FORMATS = { csv: "CSVWithNames", json: "JSONEachRow" } as const;

const QUERY_FLAGS = flags({
  format: {
    type: "string",
    oneOf: ["table", "csv", "json"],
    defaultHelp: "table on a terminal, else csv",
    help: "table, csv or json (JSON lines)",
  },
  ...CLICKHOUSE_FLAGS,
});

const QUERY_COMMAND = {
  name: "query",
  maxPositionals: 1,
  summary: "run one SQL query",
  usage: 'qrsdp query "SQL" [flags]',
  flags: QUERY_FLAGS,
  notes: CLICKHOUSE_ENV_HELP,
};

const MIDPRICE_COMMAND = {
  name: "midprice",
  maxPositionals: Infinity,
  summary: "latest trade-implied bid, ask and mid per symbol",
  usage: "qrsdp midprice [SYMBOL...] [flags]",
  flags: QUERY_FLAGS,
  notes: CLICKHOUSE_ENV_HELP,
};

const STATUS_COMMAND = {
  name: "status",
  summary: "rows per symbol and date, newest event, Kafka consumer lag",
  usage: "qrsdp status [flags]",
  flags: flags({
    ...kafkaBrokersFlag("also report consumer lag"),
    ...CLICKHOUSE_FLAGS,
    json: { type: "boolean", help: "one JSON document on stdout (keys in docs/cli.md)" },
  }),
  notes: CLICKHOUSE_ENV_HELP,
};

async function printQuery(sql: string, values: FlagValues<typeof QUERY_FLAGS>): Promise<void> {
  const chosen = values.format ?? (Deno.stdout.isTerminal() ? "table" : "csv");
  const ch = clickHouseFromFlags(values);
  try {
    if (chosen === "table") {
      const rows = await ch.table(sql);
      // rows[0] holds the column names.
      const rule = rows[0]?.map((_, c) => "-".repeat(Math.max(...rows.map((r) => r[c].length))));
      console.log(rows.length > 1 ? table([rows[0], rule, ...rows.slice(1)]) : "(no rows)");
    } else {
      await writeRaw(await ch.text(sql, FORMATS[chosen as keyof typeof FORMATS]));
    }
  } finally {
    await ch.close();
  }
}

export async function queryCommand(args: string[]): Promise<number> {
  const parsed = await parseCommand(QUERY_COMMAND, args);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new UsageError('give the query as one argument: qrsdp query "SELECT ..."');
  }
  await printQuery(positionals[0], values);
  return 0;
}

export async function midpriceCommand(args: string[]): Promise<number> {
  const parsed = await parseCommand(MIDPRICE_COMMAND, args);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  for (const s of positionals) {
    if (!isSymbol(s)) throw new UsageError(`'${s}' is not a symbol`);
  }
  const where = positionals.length
    ? ` WHERE symbol IN (${positionals.map((s) => `'${s}'`).join(", ")})`
    : "";
  await printQuery(
    `SELECT symbol, best_bid_ticks, best_ask_ticks, midprice_ticks FROM v_current_midprice${where} ORDER BY symbol`,
    values,
  );
  return 0;
}

interface StatusRow {
  symbol: string;
  date: string;
  events: number;
  newest_event: string;
}

export async function statusCommand(args: string[]): Promise<number> {
  const parsed = await parseCommand(STATUS_COMMAND, args);
  if (!parsed) return 0;
  const { values } = parsed;
  const brokers = values["kafka-brokers"] || Deno.env.get("KAFKA_BROKERS");
  const ch = clickHouseFromFlags(values);
  let rows: StatusRow[] | null = null;
  let malformed: number | null = null;
  let engine = "";
  // Without ClickHouse, the lag is still worth knowing: its error comes after it.
  let clickHouseError: unknown = null;
  try {
    rows = (await ch.rows<StatusRow>(
      "SELECT symbol, toString(date) AS date, count() AS events, " +
        "toString(max(event_time)) AS newest_event FROM exchange_events " +
        "GROUP BY symbol, date ORDER BY symbol, date",
    )).map((r) => ({ ...r, events: Number(r.events) }));
    const errors = await ch.rows<{ n: string }>("SELECT count() AS n FROM exchange_events_errors");
    malformed = Number(errors[0]?.n ?? 0);
    engine = (await ch.rows<{ engine_full: string }>(
      "SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = 'exchange_events_kafka'",
    ))[0]?.engine_full ?? "";
  } catch (e) {
    if (!brokers) throw e;
    clickHouseError = e;
  } finally {
    await ch.close();
  }
  // The group and topic ClickHouse reads, else those sql/init.sql would use.
  const group = /kafka_group_name = '([^']+)'/.exec(engine)?.[1] ??
    (clickHouseError ? CONSUMER_GROUP : undefined);
  const topic = /kafka_topic_list = '([^']+)'/.exec(engine)?.[1] ??
    (clickHouseError ? Deno.env.get("KAFKA_TOPIC") || DEFAULT_TOPIC : undefined);
  let lag = null;
  let lagUnknown: string | null = "give --kafka-brokers or KAFKA_BROKERS";
  if (brokers && group && topic) {
    const { consumerLag } = await import("../kafka/consumer_lag.ts");
    try {
      lag = { group, topic, partitions: await consumerLag(brokers, topic, group) };
      lagUnknown = null;
    } catch (e) {
      lagUnknown = (e as Error).message;
    }
  }
  const status = {
    rows,
    malformed_messages: malformed,
    kafka_lag: lag,
    kafka_lag_unknown: lagUnknown,
  };
  const done = () => {
    if (clickHouseError) throw clickHouseError;
    return 0;
  };
  if (values.json) {
    console.log(toJson(status, 2));
    return done();
  }
  const header = ["symbol", "date", "events", "newest_event"];
  if (rows) {
    console.log(
      rows.length
        ? table([header, ...rows.map((r) => [r.symbol, r.date, String(r.events), r.newest_event])])
        : "exchange_events is empty",
    );
    console.log(`malformed messages: ${malformed}`);
  }
  console.log(
    lag
      ? `kafka consumer lag (${lag.group} on ${lag.topic}), in messages: ${
        lag.partitions.map((p) => `p${p.partition}=${p.lag}`).join(" ")
      }`
      : `kafka consumer lag: unknown (${lagUnknown})`,
  );
  return done();
}
