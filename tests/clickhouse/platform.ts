/** What the ClickHouse tests share: init.sql, a run's sessions and what its files say. */
import { QrsdpReader } from "../../src/format/reader.ts";
import { EVENT_TYPE_NAMES, EventType } from "../../src/core/events.ts";
import { RECORD_SIZE } from "../../src/format/record.ts";
import { readManifest } from "../../src/format/manifest.ts";
import { UNNAMED_KEY } from "../../src/kafka/message.ts";
import { initSqlVariables, splitStatements, substitute } from "../../src/platform/init_sql.ts";
import { ROOT } from "../helpers.ts";

/** Two securities over a Friday and a Monday: the run both ClickHouse tests feed. */
export const WEEKEND_RUN = [
  "--securities",
  "AAA:10000,BBB:25000",
  "--days",
  "2",
  "--seconds",
  "300",
  "--seed",
  "7",
  "--start-date",
  "2026-01-02",
  "--quiet",
];

export const INIT_SQL = Deno.readTextFileSync(`${ROOT}/sql/init.sql`);

/** The objects init.sql creates, with their engines. */
export const INIT_OBJECTS: Record<string, string> = {
  exchange_events_kafka: "Kafka",
  exchange_events: "ReplacingMergeTree",
  exchange_events_errors: "MergeTree",
  current_bbo: "AggregatingMergeTree",
  current_bbo_mv: "MaterializedView",
  v_current_midprice: "View",
  exchange_events_mv: "MaterializedView",
  exchange_events_errors_mv: "MaterializedView",
};

export function initStatements(env: Record<string, string>, sql = INIT_SQL): string[] {
  return splitStatements(substitute(sql, initSqlVariables((n) => env[n])));
}

/**
 * init.sql with the Kafka table replaced by a Null-engine table of the same columns plus the
 * Kafka engine's virtual columns as real ones, so that rows can be INSERTed where the consumer
 * would put them. Every other statement, the views included, is init.sql's text unchanged.
 */
export function standInSql(sql = INIT_SQL): string {
  const kafkaTable =
    /(CREATE TABLE IF NOT EXISTS exchange_events_kafka\s*\([^)]*?)\s*\)\s*ENGINE = Kafka\b[^;]*;/;
  if (!kafkaTable.test(sql)) throw new Error("init.sql: the Kafka table's statement not found");
  return sql.replace(
    kafkaTable,
    `$1,
    _key String,
    _topic LowCardinality(String),
    _partition UInt64,
    _offset UInt64,
    _timestamp Nullable(DateTime),
    _headers Nested(name String, value String),
    _error String,
    _raw_message String
)
ENGINE = Null;`,
  );
}

export const STAND_IN_INSERT =
  "INSERT INTO exchange_events_kafka (ts_ns, type, side, price_ticks, " +
  "qty, order_id, _key, _topic, _partition, _offset, _timestamp, _headers.name, _headers.value, " +
  "_error, _raw_message) FORMAT RowBinary";

/** RowBinary of the stand-in's columns in STAND_IN_INSERT order. */
export class StandInRows {
  private buf = new Uint8Array(1 << 16);
  private len = 0;
  private offset = 0;
  private readonly enc = new TextEncoder();

  /**
   * One message as the consumer would see it; `record` is its value when it parsed, `timestamp`
   * its message timestamp in seconds (none: NULL).
   */
  add(m: {
    record?: Uint8Array;
    key: string;
    timestamp?: number;
    headers?: Record<string, string>;
    error?: string;
    raw?: Uint8Array;
  }): void {
    this.bytes(m.record ?? new Uint8Array(RECORD_SIZE));
    this.string(m.key);
    this.string("stand-in");
    this.u64(0);
    this.u64(this.offset++);
    this.nullableU32(m.timestamp);
    const headers = Object.entries(m.headers ?? {});
    this.varint(headers.length);
    for (const [name] of headers) this.string(name);
    this.varint(headers.length);
    for (const [, value] of headers) this.string(value);
    this.string(m.error ?? "");
    this.string(m.raw ?? new Uint8Array());
  }

  take(): Uint8Array<ArrayBuffer> {
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    return out;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  private varint(n: number): void {
    this.room(10);
    while (n >= 0x80) {
      this.buf[this.len++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.len++] = n;
  }

  private string(s: string | Uint8Array): void {
    const b = typeof s === "string" ? this.enc.encode(s) : s;
    this.varint(b.length);
    this.bytes(b);
  }

  private nullableU32(n: number | undefined): void {
    this.room(5);
    this.buf[this.len++] = n === undefined ? 1 : 0;
    if (n === undefined) return;
    new DataView(this.buf.buffer, this.len, 4).setUint32(0, n, true);
    this.len += 4;
  }

  private u64(n: number): void {
    this.room(8);
    const v = new DataView(this.buf.buffer, this.len, 8);
    v.setUint32(0, n % 2 ** 32, true);
    v.setUint32(4, Math.floor(n / 2 ** 32), true);
    this.len += 8;
  }
}

export interface Session {
  symbol: string;
  date: string;
  path: string;
}

/** Every session of a run directory, with the Kafka key it is published under. */
export function runSessions(dir: string): Session[] {
  return readManifest(dir).securities.flatMap((sec) =>
    sec.sessions.map((s) => ({
      symbol: sec.symbol ?? UNNAMED_KEY,
      date: s.date,
      path: `${dir}/${s.file}`,
    }))
  );
}

/** A session's raw 26-byte records, in file order. */
export function sessionRecords(s: Session): Uint8Array[] {
  const reader = QrsdpReader.open(s.path);
  const out: Uint8Array[] = [];
  for (let c = 0; c < reader.chunks.length; c++) {
    const raw = reader.chunkRecords(c);
    for (let o = 0; o < raw.length; o += RECORD_SIZE) out.push(raw.subarray(o, o + RECORD_SIZE));
  }
  return out;
}

export interface Side {
  price: number;
  /** Every price traded at the latest (date, ts_ns); more than one only on a tie. */
  prices: Set<number>;
  date: string;
  tsNs: number;
}

/** What the views should show for a set of (session, records), computed from the records alone. */
export class Expected {
  /** Events per "symbol date type_name". */
  readonly counts = new Map<string, number>();
  /** Latest trade-implied bid (EXECUTE_SELL) and ask (EXECUTE_BUY) per symbol, by (date, ts_ns). */
  readonly bid = new Map<string, Side>();
  readonly ask = new Map<string, Side>();
  /** The same by ts_ns alone: the established design's defect. */
  readonly bidByTsOnly = new Map<string, Side>();
  readonly askByTsOnly = new Map<string, Side>();

  add(s: Session, records: Uint8Array[]): void {
    for (const r of records) {
      const v = new DataView(r.buffer, r.byteOffset, RECORD_SIZE);
      const tsNs = v.getUint32(4, true) * 2 ** 32 + v.getUint32(0, true);
      const type = v.getUint8(8);
      const key = `${s.symbol} ${s.date} ${EVENT_TYPE_NAMES[type] ?? "UNKNOWN"}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      if (type !== EventType.EXECUTE_SELL && type !== EventType.EXECUTE_BUY) continue;
      const price = v.getInt32(10, true);
      const sell = type === EventType.EXECUTE_SELL;
      latest(sell ? this.bid : this.ask, s.symbol, { price, date: s.date, tsNs }, false);
      latest(sell ? this.bidByTsOnly : this.askByTsOnly, s.symbol, {
        price,
        date: s.date,
        tsNs,
      }, true);
    }
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }
}

function latest(
  map: Map<string, Side>,
  symbol: string,
  t: { price: number; date: string; tsNs: number },
  tsOnly: boolean,
): void {
  const cur = map.get(symbol);
  const cmp = !cur ? 1 : tsOnly ? t.tsNs - cur.tsNs : t.date.localeCompare(cur.date) ||
    t.tsNs - cur.tsNs;
  if (cmp > 0) map.set(symbol, { ...t, prices: new Set([t.price]) });
  else if (cmp === 0) cur!.prices.add(t.price);
}

/** date at 00:00 UTC plus ts_ns, as ClickHouse prints a DateTime64(9, 'UTC'). */
export function eventTimeText(date: string, tsNs: number): string {
  const ns = BigInt(Date.parse(`${date}T00:00:00Z`)) * 1_000_000n + BigInt(tsNs);
  const iso = new Date(Number(ns / 1_000_000n)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(ns % 1_000_000_000n).padStart(9, "0")}`;
}

/** A local TCP port that nothing listens on. */
export function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Polls `probe` until it returns a value other than undefined, or throws after `ms`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 30_000,
  everyMs = 100,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last}` : ""}`);
}
