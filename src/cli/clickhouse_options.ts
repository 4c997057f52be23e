import { ClickHouse } from "../platform/client.ts";
import { clickHouseSettings } from "../platform/settings.ts";

/** Flags every ClickHouse command takes; each falls back to its CLICKHOUSE_* variable. */
export const CLICKHOUSE_FLAGS = {
  host: {
    type: "string",
    default: "",
    help: "ClickHouse host (or CLICKHOUSE_HOST; default localhost)",
  },
  port: { type: "string", default: "", help: "HTTP port (or CLICKHOUSE_PORT; default 8123)" },
  user: { type: "string", default: "", help: "user (or CLICKHOUSE_USER; default default)" },
  database: { type: "string", default: "", help: "database (or CLICKHOUSE_DB; default default)" },
  help: { type: "boolean", default: false, help: "show this help" },
} as const;

export const CLICKHOUSE_ENV_HELP =
  "The password comes only from CLICKHOUSE_PASSWORD; CLICKHOUSE_SECURE=true uses HTTPS.";

export function connect(
  values: { host?: string; port?: string; user?: string; database?: string },
) {
  return new ClickHouse(clickHouseSettings(values, (n) => Deno.env.get(n)));
}
