/** Where ClickHouse is, from flags or the CLICKHOUSE_* environment (platform.md, "Queries"). */
export interface ClickHouseSettings {
  url: string;
  username: string;
  password: string;
  database: string;
}

export interface ClickHouseFlags {
  host?: string;
  port?: string;
  user?: string;
  database?: string;
}

/** Where ClickHouse is when neither a flag nor a CLICKHOUSE_* variable says. */
export const CLICKHOUSE_DEFAULTS = {
  host: "localhost",
  port: "8123",
  user: "default",
  database: "default",
} as const;

export function clickHouseSettings(
  flags: ClickHouseFlags,
  env: (name: string) => string | undefined,
): ClickHouseSettings {
  const host = flags.host || env("CLICKHOUSE_HOST") || CLICKHOUSE_DEFAULTS.host;
  const port = flags.port || env("CLICKHOUSE_PORT") || CLICKHOUSE_DEFAULTS.port;
  const secure = (env("CLICKHOUSE_SECURE") ?? "").toLowerCase() === "true";
  return {
    url: `${secure ? "https" : "http"}://${host}:${port}`,
    username: flags.user || env("CLICKHOUSE_USER") || CLICKHOUSE_DEFAULTS.user,
    password: env("CLICKHOUSE_PASSWORD") ?? "",
    database: flags.database || env("CLICKHOUSE_DB") || CLICKHOUSE_DEFAULTS.database,
  };
}
