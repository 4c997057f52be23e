import { UsageError } from "../core/errors.ts";

/** A DNS name, an IPv4 address or a bracketed IPv6 address: nothing a URL would read otherwise. */
const HOST = /^([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$/;

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
  const named = (flag: string, variable: string, given?: string) => given ? flag : variable;
  if (!HOST.test(host)) {
    const from = named("--host", "CLICKHOUSE_HOST", flags.host);
    const hint = host.includes("@") ? " (the password goes in CLICKHOUSE_PASSWORD)" : "";
    throw new UsageError(`${from}: '${host}' is not a host name${hint}`);
  }
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    throw new UsageError(
      `${named("--port", "CLICKHOUSE_PORT", flags.port)}: '${port}' is not a port`,
    );
  }
  const secure = (env("CLICKHOUSE_SECURE") ?? "").toLowerCase() === "true";
  return {
    url: `${secure ? "https" : "http"}://${host}:${port}`,
    username: flags.user || env("CLICKHOUSE_USER") || CLICKHOUSE_DEFAULTS.user,
    password: env("CLICKHOUSE_PASSWORD") ?? "",
    database: flags.database || env("CLICKHOUSE_DB") || CLICKHOUSE_DEFAULTS.database,
  };
}
