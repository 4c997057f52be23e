import assert from "node:assert/strict";
import { QrsdpReader } from "../src/format/reader.ts";
import { FIXTURES, readRecords, runCli, tempDir } from "./helpers.ts";

const CAL = `${FIXTURES}/calibrate`;

/** The established producer fed with calibrated curves (tests/fixtures/calibrate/README.md). */
const FEEDBACK: [string, string, string][] = [
  ["fb_seed9_c1", "600", "c1_g1.json"],
  ["fb_seed9_c6", "60", "c6_g1_opts.json"], // 3-level curves, 5-level book
];

for (const [name, seconds, curves] of FEEDBACK) {
  Deno.test(`run --hlr-curves ${curves} reproduces golden ${name} record for record`, async () => {
    const out = tempDir(name);
    try {
      const res = await runCli([
        "run",
        "--seed",
        "9",
        "--days",
        "1",
        "--seconds",
        seconds,
        "--hlr-curves",
        `${CAL}/${curves}`,
        "--output",
        out,
        "--quiet",
      ]);
      assert.equal(res.code, 0, res.stderr);
      const file = "2026-01-02.qrsdp";
      const golden = `${CAL}/feedback/${name}`;
      assert.deepEqual(
        QrsdpReader.open(`${out}/${file}`).header,
        QrsdpReader.open(`${golden}/${file}`).header,
      );
      assert.deepEqual(
        JSON.parse(Deno.readTextFileSync(`${out}/manifest.json`)),
        JSON.parse(Deno.readTextFileSync(`${golden}/manifest.json`)),
      );
      const a = readRecords(`${out}/${file}`), b = readRecords(`${golden}/${file}`);
      assert.equal(a.length, b.length, "record count");
      for (let i = 0; i < a.length; i++) {
        const x = a[i], y = b[i];
        if (
          x.type !== y.type || x.side !== y.side || x.priceTicks !== y.priceTicks ||
          x.qty !== y.qty || x.orderId !== y.orderId || Math.abs(x.tsNs - y.tsNs) > 1
        ) {
          assert.fail(`record ${i} differs: ours ${JSON.stringify(x)} golden ${JSON.stringify(y)}`);
        }
      }
    } finally {
      Deno.removeSync(out, { recursive: true });
    }
  });
}

Deno.test("run with curves of more levels than the book: empty sessions, as the established tool, and a warning", async () => {
  const dir = tempDir("deep_curves");
  try {
    const curves = `${dir}/k8.json`;
    const cal = await runCli([
      "calibrate",
      `${FIXTURES}/g1_seed42_simple`,
      "--compat",
      "--levels",
      "8",
      "--output",
      curves,
    ]);
    assert.equal(cal.code, 0, cal.stderr);
    const res = await runCli([
      "run",
      "--days",
      "2",
      "--seconds",
      "600",
      "--hlr-curves",
      curves,
      "--output",
      `${dir}/run`,
      "--quiet",
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /K=8 .*5 levels/);
    for (const file of ["2026-01-02.qrsdp", "2026-01-05.qrsdp"]) {
      const bytes = Deno.readFileSync(`${dir}/run/${file}`);
      assert.equal(bytes.length, 64, file); // the header alone
      assert.equal(QrsdpReader.open(`${dir}/run/${file}`).header.headerFlags, 0);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
