/**
 * `qrsdp export` read back by readers that are not ours: Parquet by pyarrow (Apache Arrow's C++
 * reader, in the tests' venv), CSV by Python's csv module; LOBSTER checked against the records.
 */
import assert from "node:assert/strict";
import { readRecords, ROOT, runCli, tempDir, TYPE_NAMES } from "./helpers.ts";

const PYTHON = `${ROOT}/tests/clickhouse/.venv/bin/python`;
const MULTI = `${ROOT}/tests/fixtures/g2_seed7_multi`;

async function python(script: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command(PYTHON, {
    args: ["-c", script, ...args],
    stderr: "piped",
    stdout: "piped",
  })
    .output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  return dec.decode(out.stdout);
}

const SESSIONS = [
  ["AAPL", "2026-03-06"],
  ["AAPL", "2026-03-09"],
  ["MSFT", "2026-03-06"],
  ["MSFT", "2026-03-09"],
];

Deno.test("export parquet: pyarrow reads typed columns, every record, symbol and date", async () => {
  const out = tempDir("export_parquet");
  const r = await runCli(["export", MULTI, "--format", "parquet", "--output", out]);
  assert.equal(r.code, 0, r.stderr);
  const read = await python(
    `
import json, sys, pyarrow.parquet as pq
f = pq.ParquetFile(sys.argv[1])
t = f.read()
print(json.dumps({
  "schema": [[x.name, str(x.type), x.nullable] for x in t.schema],
  "groups": f.metadata.num_row_groups,
  "meta": {k.decode(): v.decode() for k, v in f.schema_arrow.metadata.items()},
  "rows": [[r["symbol"], r["date"].isoformat(), r["ts_ns"], r["type"], r["type_name"], r["side"],
            str(r["price"]), r["price_ticks"], r["qty"], r["shares"], r["order_id"], r["order_ref"]] for r in t.to_pylist()],
}))`,
    `${out}/AAPL_2026-03-06.parquet`,
  );
  const got = JSON.parse(read);
  assert.deepEqual(got.schema, [
    ["symbol", "string", false],
    ["date", "date32[day]", false],
    ["ts", "timestamp[ns, tz=UTC]", false],
    ["ts_ns", "uint64", false],
    ["type", "uint8", false],
    ["type_name", "string", false],
    ["side", "uint8", false],
    ["price", "decimal128(18, 4)", false],
    ["price_ticks", "int32", false],
    ["qty", "uint32", false],
    ["shares", "uint64", false],
    ["order_id", "uint64", false],
    ["order_ref", "uint64", false],
  ]);
  assert.equal(got.meta["qrsdp.time_zone"], "America/New_York");
  assert.equal(got.meta["qrsdp.lot_size"], "100");
  assert.equal(got.meta["qrsdp.tick_size"], "100");
  assert.equal(got.meta["qrsdp.levels_per_side"], "4");
  const records = readRecords(`${MULTI}/AAPL/2026-03-06.qrsdp`);
  // The order references are those of the CSV export, another writer.
  const csv = tempDir("export_parquet_csv");
  assert.equal((await runCli(["export", MULTI, "--format", "csv", "--output", csv])).code, 0);
  const refs = Deno.readTextFileSync(`${csv}/AAPL_2026-03-06.csv`).trimEnd().split("\n").slice(1)
    .map((line) => Number(line.split(",").at(-1)));
  Deno.removeSync(csv, { recursive: true });
  assert.ok(refs.some((ref) => ref > 0));
  assert.deepEqual(
    got.rows,
    records.map((
      r,
      i,
    ) => [
      "AAPL",
      "2026-03-06",
      r.tsNs,
      r.type,
      TYPE_NAMES[r.type],
      r.side,
      (r.priceTicks / 100).toFixed(4),
      r.priceTicks,
      r.qty,
      r.qty * 100,
      r.orderId,
      refs[i],
    ]),
  );
  // The whole folder is one dataset for pyarrow: every session, every row.
  const counts = JSON.parse(
    await python(
      `
import json, sys, pyarrow.dataset as ds
t = ds.dataset(sys.argv[1], format="parquet").to_table()
print(json.dumps(sorted([[s, d.isoformat(), 0] for s, d in set(zip(t["symbol"].to_pylist(), t["date"].to_pylist()))]) + [t.num_rows]))`,
      out,
    ),
  );
  const total = SESSIONS.reduce(
    (n, [s, d]) => n + readRecords(`${MULTI}/${s}/${d}.qrsdp`).length,
    0,
  );
  assert.deepEqual(counts, [...SESSIONS.map(([s, d]) => [s, d, 0]), total]);
  Deno.removeSync(out, { recursive: true });
});

Deno.test("export parquet: a session longer than a row group is split into row groups", async () => {
  const run = tempDir("export_long");
  const out = tempDir("export_long_out");
  assert.equal((await runCli(["run", "--seconds", "2000", "--output", run, "--quiet"])).code, 0);
  const r = await runCli([
    "export",
    `${run}/2026-01-02.qrsdp`,
    "--format",
    "parquet",
    "--output",
    out,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const records = readRecords(`${run}/2026-01-02.qrsdp`);
  assert.ok(records.length > 65_536 * 2);
  const got = JSON.parse(
    await python(
      `
import json, sys, pyarrow.parquet as pq
f = pq.ParquetFile(sys.argv[1])
t = f.read(columns=["symbol", "order_id", "ts_ns"])
print(json.dumps([f.metadata.num_row_groups, t.num_rows, t["symbol"][0].as_py(), t["order_id"].to_pylist()[-1], t["ts_ns"].to_pylist()[-1]]))`,
      `${out}/DEFAULT_2026-01-02.parquet`,
    ),
  );
  const last = records[records.length - 1];
  assert.deepEqual(got, [
    Math.ceil(records.length / 65_536),
    records.length,
    "DEFAULT",
    last.orderId,
    last.tsNs,
  ]);
  Deno.removeSync(run, { recursive: true });
  Deno.removeSync(out, { recursive: true });
});

Deno.test("export csv: Python's csv module reads it back", async () => {
  const out = tempDir("export_csv");
  const r = await runCli(["export", MULTI, "--format", "csv", "--output", out]);
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(
    await python(
      `
import csv, json, sys
with open(sys.argv[1], newline="") as f:
    print(json.dumps([list(r.values())[:-1] for r in csv.DictReader(f)]))`,
      `${out}/MSFT_2026-03-09.csv`,
    ),
  );
  const records = readRecords(`${MULTI}/MSFT/2026-03-09.qrsdp`);
  assert.deepEqual(
    rows,
    records.map((r) =>
      [
        "MSFT",
        "2026-03-09",
        // New York is 4 hours behind UTC on 2026-03-09 (summer time since the 8th).
        new Date(Date.UTC(2026, 2, 9, 4) + Math.floor(r.tsNs / 1e6)).toISOString().slice(0, 23) +
        String(r.tsNs % 1e6).padStart(6, "0") + "Z",
        r.tsNs,
        r.type,
        TYPE_NAMES[r.type],
        r.side,
        (r.priceTicks / 100).toFixed(4),
        r.priceTicks,
        r.qty,
        r.qty * 100,
        r.orderId,
      ].map(String)
    ),
  );
  Deno.removeSync(out, { recursive: true });
});

Deno.test("export lobster: LOBSTER's two files per session, and the summary names them", async () => {
  const out = tempDir("export_lobster");
  const r = await runCli(["export", MULTI, "--format", "lobster", "--output", out]);
  assert.equal(r.code, 0, r.stderr);
  const names = [...Deno.readDirSync(out)].map((e) => e.name).sort();
  assert.deepEqual(
    names,
    SESSIONS.flatMap((
      [s, d],
    ) => [
      `${s}_${d}_36000000_36300000_message_4.csv`,
      `${s}_${d}_36000000_36300000_orderbook_4.csv`,
    ]),
  );
  for (const name of names) assert.ok(r.stdout.includes(name), r.stdout);
  Deno.removeSync(out, { recursive: true });
});

Deno.test("export lobster and hftbacktest: a run with --theta-reinit cannot be rebuilt, and says so", async () => {
  const run = tempDir("export_reinit");
  const out = tempDir("export_reinit_out");
  assert.equal(
    (await runCli(["run", "--seconds", "600", "--theta-reinit", "0.5", "--output", run, "--quiet"]))
      .code,
    0,
  );
  for (const format of ["lobster", "hftbacktest"]) {
    // The run directory's manifest says so: refused before anything is written.
    const r = await runCli(["export", run, "--format", format, "--output", out]);
    assert.equal(r.code, 2, format);
    assert.match(r.stderr, /^qrsdp export: .*2026-01-02\.qrsdp: made with --theta-reinit 0\.5, /);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.deepEqual([...Deno.readDirSync(out)], []);
    // A file alone does not say: the first execution away from the rebuilt book's best stops it.
    const alone = await runCli([
      "export",
      `${run}/2026-01-02.qrsdp`,
      "--format",
      format,
      "--output",
      out,
    ]);
    assert.equal(alone.code, 2, format);
    assert.match(
      alone.stderr.trim(),
      /^qrsdp export: .*: record \d+ \(order \d+\) executes at \d+ but .*--theta-reinit\?\)$/,
    );
    assert.equal(alone.stderr.trim().split("\n").length, 1);
    assert.deepEqual([...Deno.readDirSync(out)], [], format);
  }
  Deno.removeSync(run, { recursive: true });
  Deno.removeSync(out, { recursive: true });
});

Deno.test("export: usage errors name the flag", async () => {
  const r = await runCli(["export", MULTI, "--format", "xml", "--output", "/tmp"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--format: 'xml'/);
  const missing = await runCli(["export", MULTI, "--format", "csv"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--output/);
});
