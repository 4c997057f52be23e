import { UsageError } from "./errors.ts";
import { CLICKHOUSE_ENV_HELP, CLICKHOUSE_FLAGS, connect } from "./clickhouse_options.ts";
import { table } from "./format.ts";
import { flagHelp } from "./help.ts";
import { parseFlags } from "./parse.ts";

const QUERY_FLAGS = {
  format: {
    type: "string",
    default: "table on a terminal, else csv",
    help: "table, csv or json (JSON lines)",
  },
  ...CLICKHOUSE_FLAGS,
} as const;

const FORMATS = { csv: "CSVWithNames", json: "JSONEachRow" } as const;

function helpText(command: string, usage: string, flags: Parameters<typeof flagHelp>[0]) {
  return `qrsdp ${command}: ${usage}\n\n${flagHelp(flags)}\n\n${CLICKHOUSE_ENV_HELP}`;
}

async function printQuery(
  sql: string,
  format: string | undefined,
  values: Parameters<typeof connect>[0],
): Promise<void> {
  const chosen = format ?? (Deno.stdout.isTerminal() ? "table" : "csv");
  if (chosen !== "table" && !(chosen in FORMATS)) {
    throw new UsageError(`--format: '${chosen}' is not table, csv or json`);
  }
  const ch = connect(values);
  try {
    if (chosen === "table") {
      const rows = await ch.table(sql);
      // rows[0] holds the column names.
      const rule = rows[0]?.map((_, c) => "-".repeat(Math.max(...rows.map((r) => r[c].length))));
      console.log(rows.length > 1 ? table([rows[0], rule, ...rows.slice(1)]) : "(no rows)");
    } else {
      await Deno.stdout.write(
        new TextEncoder().encode(await ch.text(sql, FORMATS[chosen as keyof typeof FORMATS])),
      );
    }
  } finally {
    await ch.close();
  }
}

export async function queryCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, QUERY_FLAGS, "query");
  if (values.help) {
    console.log(
      helpText("query", `run one SQL query\n\nUsage: qrsdp query "SQL" [flags]`, QUERY_FLAGS),
    );
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError('give the query as one argument: qrsdp query "SELECT ..."');
  }
  await printQuery(positionals[0], values.format, values);
  return 0;
}

export async function midpriceCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, QUERY_FLAGS, "midprice");
  if (values.help) {
    console.log(
      helpText(
        "midprice",
        "latest trade-implied bid, ask and mid per symbol\n\nUsage: qrsdp midprice [SYMBOL...] [flags]",
        QUERY_FLAGS,
      ),
    );
    return 0;
  }
  for (const s of positionals) {
    if (!/^[A-Z0-9._-]{1,16}$/.test(s)) throw new UsageError(`'${s}' is not a symbol`);
  }
  const where = positionals.length
    ? ` WHERE symbol IN (${positionals.map((s) => `'${s}'`).join(", ")})`
    : "";
  await printQuery(
    `SELECT symbol, best_bid_ticks, best_ask_ticks, midprice_ticks FROM v_current_midprice${where} ORDER BY symbol`,
    values.format,
    values,
  );
  return 0;
}

const STATUS_FLAGS = {
  "kafka-brokers": {
    type: "string",
    default: "",
    help: "also report consumer lag (or KAFKA_BROKERS)",
  },
  ...CLICKHOUSE_FLAGS,
} as const;

export async function statusCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, STATUS_FLAGS, "status");
  if (values.help) {
    console.log(
      helpText(
        "status",
        "rows per symbol and date, newest event, Kafka consumer lag\n\nUsage: qrsdp status [flags]",
        STATUS_FLAGS,
      ),
    );
    return 0;
  }
  const ch = connect(values);
  try {
    const rows = await ch.table(
      "SELECT symbol, toString(date) AS date, count() AS events, " +
        "toString(max(event_time)) AS newest_event FROM exchange_events " +
        "GROUP BY symbol, date ORDER BY symbol, date",
    );
    console.log(rows.length > 1 ? table(rows) : "exchange_events is empty");
    const errors = await ch.rows<{ n: string }>("SELECT count() AS n FROM exchange_events_errors");
    console.log(`malformed messages: ${errors[0]?.n ?? 0}`);
    const engine = await ch.rows<{ engine_full: string }>(
      "SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = 'exchange_events_kafka'",
    );
    const brokers = values["kafka-brokers"] || Deno.env.get("KAFKA_BROKERS");
    const group = /kafka_group_name = '([^']+)'/.exec(engine[0]?.engine_full ?? "")?.[1];
    const topic = /kafka_topic_list = '([^']+)'/.exec(engine[0]?.engine_full ?? "")?.[1];
    if (brokers && group && topic) {
      const { consumerLag } = await import("../platform/kafka_lag.ts");
      try {
        const lag = await consumerLag(brokers, topic, group);
        console.log(
          `kafka consumer lag (${group} on ${topic}), in messages: ${
            lag.map((p) => `p${p.partition}=${p.lag}`).join(" ")
          }`,
        );
      } catch (e) {
        console.log(`kafka consumer lag: unknown (${(e as Error).message})`);
      }
    } else {
      console.log("kafka consumer lag: unknown (give --kafka-brokers or KAFKA_BROKERS)");
    }
  } finally {
    await ch.close();
  }
  return 0;
}
