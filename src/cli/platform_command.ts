import { DEFAULT_PROTOCOL, DEFAULT_TOPIC, kafkaSettings } from "../kafka/settings.ts";
import type { KafkaSettings } from "../kafka/settings.ts";
import {
  COMPOSE_BROKERS,
  initSqlVariables,
  splitStatements,
  substitute,
} from "../platform/init_sql.ts";
import { CLICKHOUSE_ENV_HELP, CLICKHOUSE_FLAGS, clickHouseFromFlags } from "./clickhouse_flags.ts";
import { DataError, UsageError } from "../core/errors.ts";
import { commandHelp, flags, parseCommand } from "./flags.ts";
import { onStopSignals } from "./signals.ts";
import { VERSION } from "./version.ts";
import { kafkaConnectionFlags, requiredKafkaFromFlags } from "./kafka_flags.ts";
import { TOPIC_PARTITIONS } from "../kafka/topic.ts";
import type { TopicLayout } from "../kafka/topic.ts";

const INIT_COMMAND = {
  name: "platform init",
  summary: "create the ClickHouse tables and views (idempotent)",
  usage: "qrsdp platform init [flags]",
  flags: flags({
    sql: {
      type: "string",
      defaultHelp: "sql/init.sql beside the program; sql/cluster/init.sql with --cluster",
      help: "the SQL script to apply",
    },
    cluster: {
      type: "string",
      check: { test: (text) => /^[A-Za-z0-9_.-]{1,128}$/.test(text), what: "a cluster name" },
      help: "apply the cluster schema (replicated tables, Distributed by symbol) ON CLUSTER NAME",
    },
    ...CLICKHOUSE_FLAGS,
  }),
  notes: `\${KAFKA_BROKERS}, \${KAFKA_TOPIC}, \${KAFKA_SECURITY_PROTOCOL}, \${KAFKA_SASL_MECHANISM},
\${KAFKA_SASL_USERNAME} and \${KAFKA_SASL_PASSWORD} in the script take the values of those
variables (defaults ${COMPOSE_BROKERS}, ${DEFAULT_TOPIC}, ${DEFAULT_PROTOCOL}). When KAFKA_BROKERS is set, the
topic is created first if it does not exist (ClickHouse's consumer notices a topic created
after it subscribed only about a minute later).
${CLICKHOUSE_ENV_HELP}`,
};

/** sql/NAME: beside the executable (release archives), else in the source tree. */
function defaultSqlPath(name: string): string {
  const exeDir = Deno.execPath().replace(/[/\\][^/\\]*$/, "");
  const candidates = [
    `${exeDir}/sql/${name}`,
    new URL(`../../sql/${name}`, import.meta.url).pathname,
  ];
  return candidates.find((p) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  }) ?? candidates[candidates.length - 1];
}

export async function platformCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "topic") return await topicCommand(rest);
  if (sub !== "init") {
    const help = `${commandHelp(INIT_COMMAND)}\n\n${commandHelp(TOPIC_COMMAND)}`;
    if (sub === undefined) {
      console.error(help);
      return 2;
    }
    if (sub === "--help" || sub === "-h") {
      console.log(help);
      return 0;
    }
    if (sub === "--version") {
      console.log(VERSION);
      return 0;
    }
    throw new UsageError(`unknown subcommand '${sub}' (platform init or platform topic)`);
  }
  const parsed = await parseCommand(INIT_COMMAND, rest);
  if (!parsed) return 0;
  const { values } = parsed;
  const cluster = values.cluster;
  const path = values.sql ?? defaultSqlPath(cluster ? "cluster/init.sql" : "init.sql");
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    throw new DataError(`cannot read (${(e as Error).message})`, { source: path });
  }
  const variables = initSqlVariables((n) => Deno.env.get(n));
  const statements = splitStatements(
    substitute(text, cluster ? { ...variables, CLICKHOUSE_CLUSTER: cluster } : variables),
  );
  await ensureKafkaTopic();
  const ch = clickHouseFromFlags(values);
  try {
    for (const [i, statement] of statements.entries()) {
      try {
        await ch.command(statement);
      } catch (e) {
        const head = statement.split("\n").find((l) => l.trim()) ?? "";
        throw new DataError(
          `statement ${i + 1} (${head.trim().slice(0, 60)}): ${(e as Error).message}`,
          { source: path },
        );
      }
    }
  } finally {
    await ch.close();
  }
  console.log(`applied ${statements.length} statements from ${path}`);
  return 0;
}

const TOPIC_COMMAND = {
  name: "platform topic",
  summary: "create the Kafka topic if it does not exist",
  usage: "qrsdp platform topic [flags]",
  flags: {
    ...kafkaConnectionFlags("required"),
    ...flags({
      partitions: {
        type: "number",
        default: TOPIC_PARTITIONS,
        integer: true,
        min: 1,
        max: 100_000,
        help: "partitions of a topic it creates (events are keyed by symbol)",
      },
      "replication-factor": {
        type: "number",
        integer: true,
        min: 1,
        max: 32_767,
        defaultHelp: "the brokers' default",
        help: "copies of each partition of a topic it creates",
      },
    }),
  },
  notes:
    `Run it before ClickHouse subscribes: a consumer that subscribed before its topic existed reads
nothing until its next metadata refresh (about a minute). KAFKA_SECURITY_PROTOCOL and the SASL
variables apply as for 'qrsdp run'. A topic that exists is left as it is (Kafka cannot take
partitions away); the line says how many it has.`,
};

async function topicCommand(args: string[]): Promise<number> {
  const parsed = await parseCommand(TOPIC_COMMAND, args);
  if (!parsed) return 0;
  const settings = requiredKafkaFromFlags(parsed.values);
  const where = `Kafka topic ${settings.topic} on ${settings.brokers.join(",")}`;
  // While the brokers are retried, a signal ends the wait: the topic was not made sure of.
  let removeSignals = () => {};
  const stopped = new Promise<true>((resolve) =>
    removeSignals = onStopSignals(() => resolve(true))
  );
  try {
    const layout = {
      partitions: parsed.values.partitions,
      replicationFactor: parsed.values["replication-factor"],
    };
    const made = makeTopic(settings, "qrsdp-platform-topic", layout);
    if (await Promise.race([made.then(() => false), stopped])) {
      made.catch(() => {});
      console.error(`qrsdp platform topic: ${where}: stopped while the brokers were retried`);
      return 1;
    }
  } catch (e) {
    throw new DataError(`${where}: ${(e as Error).message}`);
  } finally {
    removeSignals();
  }
  return 0;
}

/** Creates the topic unless it exists, and says so; throws when the brokers cannot be reached. */
async function makeTopic(
  settings: KafkaSettings,
  clientId: string,
  layout?: TopicLayout,
): Promise<void> {
  const { kafkaClient } = await import("../kafka/client.ts");
  const { ensureTopic } = await import("../kafka/topic.ts");
  const { withinBudget } = await import("../kafka/retry.ts");
  const partitions = await withinBudget(
    ensureTopic(kafkaClient(settings, clientId, settings.timeoutMs), settings.topic, layout),
    settings.timeoutMs,
  );
  console.log(
    `Kafka topic ${settings.topic} on ${
      settings.brokers.join(",")
    }: ready, ${partitions} partitions`,
  );
}

/**
 * Creates the topic ClickHouse will read, when KAFKA_BROKERS names brokers this machine may reach.
 * Without it, a consumer that subscribed before the producer's first run created the topic waits
 * for librdkafka's next metadata refresh (measured: 49 s) before it reads anything. Only a warning
 * when it fails: the ClickHouse server may reach brokers that this machine cannot.
 */
async function ensureKafkaTopic(): Promise<void> {
  const env = (n: string) => Deno.env.get(n);
  const where = `${env("KAFKA_TOPIC") || DEFAULT_TOPIC} on ${env("KAFKA_BROKERS")}`;
  try {
    const settings = kafkaSettings({ maxInFlight: 1, timeoutSeconds: 2 }, env);
    if (settings) await makeTopic(settings, "qrsdp-platform-init");
  } catch (e) {
    console.error(
      `qrsdp platform init: warning: could not make sure of Kafka topic ${where} ` +
        `(${(e as Error).message}); ClickHouse reads it about a minute after it is created`,
    );
  }
}
