import { UsageError } from "../core/errors.ts";
import { DEFAULT_PROTOCOL, DEFAULT_SASL_MECHANISM, DEFAULT_TOPIC } from "../kafka/settings.ts";

/** Where the compose file's ClickHouse finds Kafka. */
export const COMPOSE_BROKERS = "kafka:9092";
/** Where sql/kafka_avro.sql looks for the Schema Registry unless SCHEMA_REGISTRY_URL says. */
export const COMPOSE_SCHEMA_REGISTRY = "http://schema-registry:8081";
/** The consumer group of sql/init.sql's Kafka engine table (init_sql_test.ts checks the file). */
export const CONSUMER_GROUP = "qrsdp_clickhouse";

/**
 * Replaces every `${NAME}` in the SQL with the value from `vars`, quoting nothing: the
 * placeholders stand inside string literals in init.sql, so single quotes and backslashes in
 * values are escaped for them.
 */
export function substitute(sql: string, vars: Record<string, string>): string {
  return sql.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    if (!(name in vars)) throw new UsageError(`init.sql needs \${${name}}, which has no value`);
    return vars[name].replace(/\\/g, "\\\\").replace(/'/g, "\\'");
  });
}

/** Splits a script into statements at `;` outside quotes and comments; drops empty ones. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end;
      continue;
    }
    if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
      continue;
    }
    if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      while (j < sql.length && sql[j] !== c) j += sql[j] === "\\" ? 2 : 1;
      current += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === ";") {
      if (current.trim()) out.push(current.trim());
      current = "";
    } else {
      current += c;
    }
    i++;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** The values init.sql's placeholders take, from the environment, with the compose defaults. */
export function initSqlVariables(
  env: (name: string) => string | undefined,
): Record<string, string> {
  return {
    KAFKA_BROKERS: env("KAFKA_BROKERS") || COMPOSE_BROKERS,
    KAFKA_TOPIC: env("KAFKA_TOPIC") || DEFAULT_TOPIC,
    KAFKA_SECURITY_PROTOCOL: env("KAFKA_SECURITY_PROTOCOL") || DEFAULT_PROTOCOL,
    KAFKA_SASL_MECHANISM: env("KAFKA_SASL_MECHANISM") || DEFAULT_SASL_MECHANISM,
    KAFKA_SASL_USERNAME: env("KAFKA_SASL_USERNAME") || "",
    KAFKA_SASL_PASSWORD: env("KAFKA_SASL_PASSWORD") || "",
    SCHEMA_REGISTRY_URL: env("SCHEMA_REGISTRY_URL") || COMPOSE_SCHEMA_REGISTRY,
  };
}
