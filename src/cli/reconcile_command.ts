import { toJson } from "../core/json.ts";
import { UsageError } from "../core/errors.ts";
import type { ReconcileReport } from "../reconcile/reconcile.ts";
import { CLICKHOUSE_ENV_HELP, CLICKHOUSE_FLAGS, clickHouseFromFlags } from "./clickhouse_flags.ts";
import { thousands } from "./format.ts";
import { flags, parseCommand } from "./flags.ts";
import type { CommandSpec } from "./flags.ts";
import { KAFKA_ENV_HELP, kafkaConnectionFlags, kafkaFromFlags } from "./kafka_flags.ts";

const RECONCILE_FLAGS = flags({
  ...kafkaConnectionFlags("none: the topic is not checked"),
  clickhouse: { type: "boolean", help: "check the exchange_events table too" },
  ...CLICKHOUSE_FLAGS,
  json: { type: "boolean", help: "the report as one JSON document on stdout" },
});

export const RECONCILE_COMMAND: CommandSpec<typeof RECONCILE_FLAGS> = {
  name: "reconcile",
  summary: "prove a run's events reached Kafka and ClickHouse exactly once",
  usage: "qrsdp reconcile RUN_DIR [--kafka-brokers HOST:PORT] [--clickhouse]",
  flags: RECONCILE_FLAGS,
  maxPositionals: 1,
  notes: `For every (symbol, date) of the run, the events in its file are compared with those in the
topic (by message key and date header) and in ClickHouse's exchange_events table: how many, and
the sum and XOR of a 32-bit hash of each event, so order does not matter. Where a place
disagrees, the order ids missing, duplicated, changed or extra there are named as ranges.
Events of other runs in the topic are counted and otherwise ignored.
Exit status: 0 when every place agrees with every file, 1 when one does not (or a file is
damaged), 2 for a usage error or a run directory that cannot be read.
${KAFKA_ENV_HELP}
${CLICKHOUSE_ENV_HELP}`,
};

export async function reconcileCommand(args: string[]): Promise<number> {
  const parsed = await parseCommand(RECONCILE_COMMAND, args);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError("give the run directory");
  const kafka = kafkaFromFlags(values) ?? undefined;
  if (!kafka && !values.clickhouse) {
    throw new UsageError("give --kafka-brokers (or KAFKA_BROKERS), --clickhouse, or both");
  }
  const clickhouse = values.clickhouse ? clickHouseFromFlags(values) : undefined;
  const { reconcile } = await import("../reconcile/reconcile.ts");
  let report: ReconcileReport;
  try {
    report = await reconcile(positionals[0], { kafka, clickhouse });
  } finally {
    await clickhouse?.close();
  }
  if (values.json) console.log(toJson(report, 2));
  else console.log(reportText(report).join("\n"));
  return report.ok ? 0 : 1;
}

function reportText(report: ReconcileReport): string[] {
  const lines: string[] = [];
  const places = new Set(report.groups.flatMap((g) => Object.keys(g.places)));
  for (const g of report.groups) {
    const where = `${g.symbol} ${g.date}`;
    if (g.damage) lines.push(`${where}: file: ${g.damage}`);
    for (const [place, t] of Object.entries(g.places)) {
      const d = g.differences[place as keyof typeof g.differences];
      if (!d) continue;
      const parts = [
        `${thousands(t.events)} events, files ${thousands(g.files.events)}`,
        d.missing && `missing order_id ${d.missing}`,
        d.duplicated && `duplicated order_id ${d.duplicated}`,
        d.changed && `changed order_id ${d.changed}`,
        d.extra && `not in the file: order_id ${d.extra}`,
      ].filter((p) => p);
      lines.push(`${where}: ${place}: ${parts.join("; ")}`);
    }
  }
  const events = report.groups.reduce((n, g) => n + g.files.events, 0);
  const bad = report.groups.filter((g) => g.damage || Object.keys(g.differences).length).length;
  lines.push(
    `${report.groups.length} (symbol, date)s, ${thousands(events)} events in the files; ` +
      `${[...places].join(" and ")}: ` +
      (bad === 0 ? "all agree" : `${bad} disagree`) +
      (report.topicOthers
        ? ` (${thousands(report.topicOthers)} events of other runs in the topic)`
        : ""),
  );
  return lines;
}
