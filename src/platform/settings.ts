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

export function clickHouseSettings(
  flags: ClickHouseFlags,
  env: (name: string) => string | undefined,
): ClickHouseSettings {
  const host = flags.host || env("CLICKHOUSE_HOST") || "localhost";
  const port = flags.port || env("CLICKHOUSE_PORT") || "8123";
  const secure = (env("CLICKHOUSE_SECURE") ?? "").toLowerCase() === "true";
  return {
    url: `${secure ? "https" : "http"}://${host}:${port}`,
    username: flags.user || env("CLICKHOUSE_USER") || "default",
    password: env("CLICKHOUSE_PASSWORD") ?? "",
    database: flags.database || env("CLICKHOUSE_DB") || "default",
  };
}
