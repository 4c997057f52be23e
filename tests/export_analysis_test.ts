/**
 * The analysis-ready columns of `qrsdp export` as the tools read them: DuckDB and pyarrow see `ts`
 * as a timestamp and `price` as a decimal, and the session's first and last events fall at its
 * open and close in UTC as Python's own time-zone database (zoneinfo) places them, on both sides
 * of New York's clock change of 2026-03-08. DuckDB runs from the analysis venv
 * (tests/analysis/setup.sh), pyarrow from the ClickHouse one.
 */
import assert from "node:assert/strict";
import { FIXTURES, readRecords, ROOT, runCli, tempDir } from "./helpers.ts";
import { QrsdpReader } from "../src/format/reader.ts";

const ANALYSIS_PYTHON = `${ROOT}/tests/analysis/.venv/bin/python`;
const ARROW_PYTHON = `${ROOT}/tests/clickhouse/.venv/bin/python`;
const MULTI = `${FIXTURES}/g2_seed7_multi`;

async function python(bin: string, script: string, ...args: string[]): Promise<unknown> {
  const out = await new Deno.Command(bin, {
    args: ["-c", script, ...args],
    stderr: "piped",
    stdout: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  return JSON.parse(dec.decode(out.stdout));
}

/** Each session's open and close in UTC (ISO, whole seconds) by zoneinfo, in microseconds. */
async function sessionBounds(tz: string, date: string, openNs: number, seconds: number) {
  return await python(
    ARROW_PYTHON,
    `
import json, sys, datetime as dt
from zoneinfo import ZoneInfo
y, m, d = map(int, sys.argv[2].split("-"))
s = int(sys.argv[3]) // 10**9
local = dt.datetime(y, m, d, s // 3600, s // 60 % 60, s % 60, tzinfo=ZoneInfo(sys.argv[1]))
open_us = int(local.timestamp()) * 10**6
print(json.dumps([open_us, open_us + int(sys.argv[4]) * 10**6]))`,
    tz,
    date,
    String(openNs),
    String(seconds),
  ) as [number, number];
}

const SESSIONS = [["AAPL", "2026-03-06"], ["AAPL", "2026-03-09"], ["MSFT", "2026-03-09"]];

for (const tz of ["America/New_York", "Europe/London"]) {
  Deno.test(`export parquet (--tz ${tz}): DuckDB reads ts and price as a timestamp and a decimal; the first and last events at the session's open and close`, async () => {
    const out = tempDir("export_duckdb");
    const r = await runCli(["export", MULTI, "--format", "parquet", "--output", out, "--tz", tz]);
    assert.equal(r.code, 0, r.stderr);
    for (const [symbol, date] of SESSIONS) {
      const file = `${MULTI}/${symbol}/${date}.qrsdp`;
      const h = QrsdpReader.open(file).header;
      const records = readRecords(file);
      const [openUs, closeUs] = await sessionBounds(tz, date, h.marketOpenNs, h.sessionSeconds);
      const got = await python(
        ANALYSIS_PYTHON,
        `
import duckdb, json, sys
c = duckdb.connect()
c.execute("SET TimeZone = 'UTC'")
q = """SELECT typeof(any_value(ts)), typeof(any_value(price)), epoch_ns(min(ts))::VARCHAR,
           epoch_ns(max(ts))::VARCHAR,
           min(price)::VARCHAR, max(price)::VARCHAR, sum(shares)::BIGINT, count(*)
       FROM read_parquet(?) WHERE symbol = ? AND date = ?::DATE"""
print(json.dumps(c.execute(q, [sys.argv[1] + "/*.parquet", sys.argv[2], sys.argv[3]]).fetchone()))`,
        out,
        symbol,
        date,
      ) as [string, string, string, string, string, string, number, number];
      const [tsType, priceType, minNs, maxNs, minPrice, maxPrice, shares, rows] = got;
      assert.equal(tsType, "TIMESTAMPTZ_NS");
      assert.equal(priceType, "DECIMAL(18,4)");
      assert.equal(rows, records.length);
      // The first and last events, to the nanosecond, after the open as zoneinfo places it; both
      // within the session's first and last second.
      const open = BigInt(openUs) * 1000n, close = BigInt(closeUs) * 1000n;
      const at = (tsNs: number) => open + BigInt(tsNs - h.marketOpenNs);
      assert.equal(BigInt(minNs), at(records[0].tsNs));
      assert.equal(BigInt(maxNs), at(records.at(-1)!.tsNs));
      assert.ok(BigInt(minNs) - open < 1_000_000_000n, `${minNs} vs open ${open}`);
      assert.ok(close > BigInt(maxNs) && close - BigInt(maxNs) < 1_000_000_000n, `${maxNs}`);
      const prices = records.map((x) => x.priceTicks);
      assert.equal(minPrice, (Math.min(...prices) / 100).toFixed(4));
      assert.equal(maxPrice, (Math.max(...prices) / 100).toFixed(4));
      assert.equal(shares, records.reduce((n, x) => n + x.qty * 100, 0));
    }
    Deno.removeSync(out, { recursive: true });
  });
}

Deno.test("export parquet: pyarrow reads ts as a UTC timestamp in ns, price as a decimal, exactly", async () => {
  const out = tempDir("export_arrow_ts");
  const r = await runCli(["export", MULTI, "--format", "parquet", "--output", out]);
  assert.equal(r.code, 0, r.stderr);
  const [symbol, date] = SESSIONS[1];
  const file = `${MULTI}/${symbol}/${date}.qrsdp`;
  const h = QrsdpReader.open(file).header;
  const records = readRecords(file);
  const [openUs] = await sessionBounds("America/New_York", date, h.marketOpenNs, h.sessionSeconds);
  const got = await python(
    ARROW_PYTHON,
    `
import json, sys, pyarrow.parquet as pq, pyarrow.compute as pc
t = pq.read_table(sys.argv[1], columns=["ts", "price"])
ts = [str(x) for x in pc.cast(t["ts"], "int64").to_pylist()]
print(json.dumps([str(t.schema.field("ts").type), str(t.schema.field("price").type),
                  ts[0], ts[-1], str(t["price"][0].as_py())]))`,
    `${out}/${symbol}_${date}.parquet`,
  ) as [string, string, string, string, string];
  assert.equal(got[0], "timestamp[ns, tz=UTC]");
  assert.equal(got[1], "decimal128(18, 4)");
  // Nanoseconds are beyond a double's 2^53: compare as text.
  const ns = (tsNs: number) => String(BigInt(openUs) * 1000n + BigInt(tsNs - h.marketOpenNs));
  assert.equal(got[2], ns(records[0].tsNs));
  assert.equal(got[3], ns(records.at(-1)!.tsNs));
  assert.equal(got[4], (records[0].priceTicks / 100).toFixed(4));
  Deno.removeSync(out, { recursive: true });
});

Deno.test("export --layout hive: DuckDB and pyarrow take symbol and date from the folders", async () => {
  const out = tempDir("export_hive");
  const r = await runCli([
    "export",
    MULTI,
    "--format",
    "parquet",
    "--output",
    out,
    "--layout",
    "hive",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const expected = ["AAPL", "MSFT"].flatMap((s) =>
    ["2026-03-06", "2026-03-09"].map((d) => [s, d, readRecords(`${MULTI}/${s}/${d}.qrsdp`).length])
  );
  const duck = await python(
    ANALYSIS_PYTHON,
    `
import duckdb, json, sys
q = """SELECT symbol, date::VARCHAR, count(*) FROM read_parquet(?, hive_partitioning = true)
       GROUP BY ALL ORDER BY ALL"""
print(json.dumps(duckdb.connect().execute(q, [sys.argv[1] + "/*/*/*.parquet"]).fetchall()))`,
    out,
  );
  assert.deepEqual(duck, expected);
  const arrow = await python(
    ARROW_PYTHON,
    `
import json, sys, pyarrow.dataset as ds
t = ds.dataset(sys.argv[1], format="parquet", partitioning="hive").to_table()
g = t.group_by(["symbol", "date"]).aggregate([([], "count_all")]).to_pylist()
print(json.dumps(sorted([[x["symbol"], str(x["date"]), x["count_all"]] for x in g])))`,
    out,
  );
  assert.deepEqual(arrow, expected);
  Deno.removeSync(out, { recursive: true });
});

Deno.test("export csv and jsonl: DuckDB reads ts as a timestamp with time zone, equal to Parquet's", async () => {
  const out = tempDir("export_duck_text");
  for (const format of ["csv", "jsonl", "parquet"]) {
    const r = await runCli([
      "export",
      `${MULTI}/AAPL/2026-03-06.qrsdp`,
      "--format",
      format,
      "--output",
      `${out}/${format}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
  }
  const got = await python(
    ANALYSIS_PYTHON,
    `
import duckdb, json, sys
c = duckdb.connect()
c.execute("SET TimeZone = 'UTC'")
d = sys.argv[1]
f = "AAPL_2026-03-06"
rows = []
for src in [f"read_csv('{d}/csv/{f}.csv')", f"read_json('{d}/jsonl/{f}.jsonl')", f"read_parquet('{d}/parquet/{f}.parquet')"]:
    rows.append(c.execute(f"SELECT epoch_ns(min(ts)) // 1000, epoch_ns(max(ts)) // 1000, count(*), typeof(any_value(ts)) FROM {src}").fetchone())
print(json.dumps(rows))`,
    out,
  ) as [number, number, number, string][];
  // DuckDB sniffs the text form as a timestamp with time zone, to the microsecond (cut).
  assert.deepEqual(got.map((g) => g[3]), [
    "TIMESTAMP WITH TIME ZONE",
    "TIMESTAMP WITH TIME ZONE",
    "TIMESTAMPTZ_NS",
  ]);
  assert.deepEqual(got[0].slice(0, 3), got[2].slice(0, 3));
  assert.deepEqual(got[1].slice(0, 3), got[2].slice(0, 3));
  Deno.removeSync(out, { recursive: true });
});
