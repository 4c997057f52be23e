import { ClickHouse } from "../platform/client.ts";
import { CLICKHOUSE_DEFAULTS, clickHouseSettings } from "../platform/settings.ts";
import { flags } from "./flags.ts";
import type { FlagValues } from "./flags.ts";

/** Flags every ClickHouse command takes; each falls back to its CLICKHOUSE_* variable. */
export const CLICKHOUSE_FLAGS = flags({
  host: {
    type: "string",
    help: "ClickHouse host (or CLICKHOUSE_HOST)",
    defaultHelp: CLICKHOUSE_DEFAULTS.host,
  },
  port: {
    type: "string",
    help: "HTTP port (or CLICKHOUSE_PORT)",
    defaultHelp: CLICKHOUSE_DEFAULTS.port,
  },
  user: {
    type: "string",
    help: "user (or CLICKHOUSE_USER)",
    defaultHelp: CLICKHOUSE_DEFAULTS.user,
  },
  database: {
    type: "string",
    help: "database (or CLICKHOUSE_DB)",
    defaultHelp: CLICKHOUSE_DEFAULTS.database,
  },
});

export const CLICKHOUSE_ENV_HELP =
  "The password comes only from CLICKHOUSE_PASSWORD; CLICKHOUSE_SECURE=true uses HTTPS.";

export function clickHouseFromFlags(values: FlagValues<typeof CLICKHOUSE_FLAGS>): ClickHouse {
  return new ClickHouse(clickHouseSettings(values, (name) => Deno.env.get(name)));
}
