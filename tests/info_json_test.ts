/** `qrsdp info --json`: one JSON document with stable keys, the same exit codes as the text. */
import assert from "node:assert/strict";
import { FIXTURES, readRecords, runCli, tempDir } from "./helpers.ts";

Deno.test("info --json FILE: header, counts, time range, event mix, first records, integrity", async () => {
  const path = `${FIXTURES}/g2_seed7_multi/MSFT/2026-03-09.qrsdp`;
  const r = await runCli(["info", path, "--json", "--records", "2"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  const records = readRecords(path);
  assert.deepEqual(Object.keys(doc), [
    "path",
    "kind",
    "header",
    "indexed",
    "chunks",
    "records",
    "bytes",
    "first_ts_ns",
    "last_ts_ns",
    "event_mix",
    "first_records",
    "checksummed_chunks",
    "problems",
    "ok",
  ]);
  assert.equal(doc.checksummed_chunks, 0, "the C++ producer's files carry no checksums");
  assert.equal(doc.kind, "file");
  assert.equal(doc.header.levels_per_side, 4);
  assert.equal(doc.header.market_open_ns, 36_000_000_000_000);
  assert.equal(doc.header.seed, 1024 + 7 + 1);
  assert.equal(doc.records, records.length);
  assert.equal(doc.bytes, Deno.statSync(path).size);
  assert.equal(doc.first_ts_ns, records[0].tsNs);
  assert.equal(doc.last_ts_ns, records[records.length - 1].tsNs);
  assert.equal(
    Object.values(doc.event_mix).reduce((a, b) => (a as number) + (b as number)),
    records.length,
  );
  assert.equal(doc.event_mix.EXECUTE_BUY, records.filter((x) => x.type === 4).length);
  assert.deepEqual(doc.first_records[1], {
    ts_ns: records[1].tsNs,
    type: records[1].type,
    type_name: doc.first_records[1].type_name,
    side: records[1].side,
    price_ticks: records[1].priceTicks,
    qty: records[1].qty,
    order_id: records[1].orderId,
  });
  assert.deepEqual([doc.problems, doc.ok], [[], true]);
});

Deno.test("info --json RUN_DIR: every session; a damaged file gives ok false and exit 1", async () => {
  const dir = tempDir("info_json");
  for (const sub of ["", "AAPL", "MSFT"]) Deno.mkdirSync(`${dir}/${sub}`, { recursive: true });
  for (
    const f of [
      "manifest.json",
      "AAPL/2026-03-06.qrsdp",
      "AAPL/2026-03-09.qrsdp",
      "MSFT/2026-03-06.qrsdp",
      "MSFT/2026-03-09.qrsdp",
    ]
  ) {
    Deno.copyFileSync(`${FIXTURES}/g2_seed7_multi/${f}`, `${dir}/${f}`);
  }
  const sound = JSON.parse((await runCli(["info", dir, "--json"])).stdout);
  assert.equal(sound.kind, "run");
  assert.equal(sound.run_id, "run_7");
  assert.equal(sound.sessions.length, 4);
  assert.ok(sound.ok);
  // Cut the last file short in its middle: its complete chunks are still counted.
  const cut = `${dir}/MSFT/2026-03-09.qrsdp`;
  const bytes = Deno.readFileSync(cut);
  Deno.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const r = await runCli(["info", dir, "--json"]);
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.ok, false);
  const last = doc.sessions[3];
  assert.equal(last.file, "MSFT/2026-03-09.qrsdp");
  assert.equal(last.ok, false);
  assert.match(last.problems[0], /^byte \d+: torn chunk/);
  assert.ok(last.records > 0 && last.records < sound.sessions[3].records);
  Deno.removeSync(dir, { recursive: true });
});
