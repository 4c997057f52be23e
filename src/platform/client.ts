import { ClickHouseLogLevel, createClient } from "@clickhouse/client";
import type { ClickHouseClient } from "@clickhouse/client";
import { DataError } from "../core/errors.ts";
import type { ClickHouseSettings } from "./settings.ts";

/** A ClickHouse HTTP client whose failures become one-line errors naming the server. */
export class ClickHouse {
  private readonly client: ClickHouseClient;

  constructor(private readonly settings: ClickHouseSettings) {
    this.client = createClient({
      url: settings.url,
      username: settings.username,
      password: settings.password,
      database: settings.database,
      request_timeout: 30_000,
      // Failures are reported once, as our own one-line errors.
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  /** Rows of a SELECT, as objects. */
  async rows<T = Record<string, unknown>>(query: string): Promise<T[]> {
    return await this.attempt(async () => {
      const rs = await this.client.query({ query, format: "JSONEachRow" });
      return await rs.json<T>();
    });
  }

  /** A query's whole output in a text format (CSVWithNames, JSONEachRow, ...). */
  async text(query: string, format: "CSVWithNames" | "JSONEachRow" | "TabSeparatedWithNames") {
    return await this.attempt(async () => (await this.client.query({ query, format })).text());
  }

  /** Column names and rows as strings, for printing a table. */
  async table(query: string): Promise<string[][]> {
    return await this.attempt(async () => {
      const rs = await this.client.query({ query, format: "JSONCompactEachRowWithNames" });
      const rows = await rs.json<unknown[]>();
      // ClickHouse always sends the column names first: a reply without them was cut short.
      if (rows.length === 0) throw new Error("the reply ended before its column names (cut short)");
      return rows.map((r) =>
        r.map((v) => v === null ? "NULL" : typeof v === "object" ? JSON.stringify(v) : String(v))
      );
    });
  }

  async command(query: string): Promise<void> {
    await this.attempt(() => this.client.command({ query }));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async attempt<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const err = e as Error & { code?: string; type?: string };
      if (err.code === "ECONNRESET" || err.code === "EPIPE") {
        throw new DataError(
          `ClickHouse at ${this.settings.url}: the connection broke before the reply ended (${err.code})`,
        );
      }
      if (err.code && /^E[A-Z]+$/.test(err.code)) {
        throw new DataError(`cannot reach ClickHouse at ${this.settings.url} (${err.code})`);
      }
      if (/^timeout error/i.test(err.message)) {
        throw new DataError(`ClickHouse at ${this.settings.url} did not answer in time`);
      }
      // The first line only: the rest of a syntax error echoes the query and lists every token.
      const type = err.type ? ` (${err.type})` : "";
      throw new DataError(
        `ClickHouse at ${this.settings.url}: ${err.message.split("\n")[0].trim()}${type}`,
      );
    }
  }
}
