import assert from "node:assert/strict";
import { QrsdpReader } from "../src/format/reader.ts";
import { FIXTURES, qrsdpFiles, readRecords, runCli, tempDir } from "./helpers.ts";

/** The flags of each golden run, as tests/fixtures/README.md lists them. */
const GOLDEN: Record<string, string[]> = {
  g1_seed42_simple: ["--seed", "42", "--days", "1", "--seconds", "600"],
  g2_seed7_multi: [
    "--seed",
    "7",
    "--days",
    "2",
    "--seconds",
    "300",
    "--securities",
    "AAPL:10000,MSFT:15000",
    "--depth",
    "3",
    "--levels",
    "4",
    "--base-L",
    "25",
    "--base-C",
    "0.3",
    "--base-M",
    "12",
    "--imbalance-sens",
    "0.8",
    "--cancel-sens",
    "1.2",
    "--epsilon-exec",
    "0.3",
    "--spread-sens",
    "0.6",
    "--start-date",
    "2026-03-06",
    "--market-open",
    "10:00",
    "--chunk-size",
    "1000",
  ],
  g3_seed11_hlr: ["--seed", "11", "--days", "1", "--seconds", "600", "--model", "hlr"],
};

for (const [name, flags] of Object.entries(GOLDEN)) {
  Deno.test(`golden ${name}: every record, header and the manifest match the C++ producer`, async () => {
    const golden = `${FIXTURES}/${name}`;
    const out = tempDir(name);
    const res = await runCli(["run", ...flags, "--output", out, "--quiet"]);
    assert.equal(res.code, 0, res.stderr);

    const files = qrsdpFiles(golden);
    assert.deepEqual(qrsdpFiles(out), files);
    assert.deepEqual(
      JSON.parse(Deno.readTextFileSync(`${out}/manifest.json`)),
      JSON.parse(Deno.readTextFileSync(`${golden}/manifest.json`)),
    );
    for (const file of files) {
      const ours = QrsdpReader.open(`${out}/${file}`);
      const theirs = QrsdpReader.open(`${golden}/${file}`);
      assert.deepEqual(ours.header, theirs.header, `${file}: header`);
      assert.equal(ours.chunks.length, theirs.chunks.length, `${file}: chunk count`);
      assert.deepEqual(
        ours.chunks.map((c) => c.recordCount),
        theirs.chunks.map((c) => c.recordCount),
        `${file}: records per chunk`,
      );
      const a = readRecords(`${out}/${file}`);
      const b = readRecords(`${golden}/${file}`);
      assert.equal(a.length, b.length, `${file}: record count`);
      for (let i = 0; i < a.length; i++) {
        const x = a[i], y = b[i];
        if (
          x.type !== y.type || x.side !== y.side || x.priceTicks !== y.priceTicks ||
          x.qty !== y.qty || x.orderId !== y.orderId || Math.abs(x.tsNs - y.tsNs) > 1
        ) {
          assert.fail(
            `${file}: record ${i} differs: ours ${JSON.stringify(x)} golden ${JSON.stringify(y)}`,
          );
        }
      }
    }
    Deno.removeSync(out, { recursive: true });
  });
}

Deno.test("golden fingerprints agree with the fixture files (the fixtures are intact)", async () => {
  for (const name of Object.keys(GOLDEN)) {
    const fp = JSON.parse(Deno.readTextFileSync(`${FIXTURES}/${name}.fingerprint.json`));
    for (
      const [file, meta] of Object.entries(fp.files) as [
        string,
        { records: number; body_sha256: string; ts_every_1000: string[] },
      ][]
    ) {
      const recs = readRecords(`${FIXTURES}/${name}/${file}`);
      assert.equal(recs.length, meta.records);
      const body = new Uint8Array(recs.length * 18);
      const v = new DataView(body.buffer);
      recs.forEach((r, i) => {
        const o = i * 18;
        v.setUint8(o, r.type);
        v.setUint8(o + 1, r.side);
        v.setInt32(o + 2, r.priceTicks, true);
        v.setUint32(o + 6, r.qty, true);
        v.setBigUint64(o + 10, BigInt(r.orderId), true);
      });
      const sha = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", body)))
        .map((b) => b.toString(16).padStart(2, "0")).join("");
      assert.equal(sha, meta.body_sha256, `${name}/${file}`);
      assert.deepEqual(
        recs.filter((_, i) => i % 1000 === 0).map((r) => String(r.tsNs)),
        meta.ts_every_1000,
      );
    }
  }
});
