/**
 * `qrsdp export --format hftbacktest` read by hftbacktest itself (PyPI `hftbacktest`, in the
 * analysis venv): NumPy loads the .npz with hftbacktest's own event dtype, hftbacktest's
 * validator accepts its event order, and its backtester runs the two-sided quoting loop of its
 * example over a whole default day to the end of the data, with trades.
 */
import assert from "node:assert/strict";
import { QrsdpReader } from "../src/format/reader.ts";
import { assertSameRows, readRecords, ROOT, runCli, tempDir } from "./helpers.ts";

const PYTHON = `${ROOT}/tests/analysis/.venv/bin/python`;

async function python(args: string[]): Promise<unknown> {
  const out = await new Deno.Command(PYTHON, { args, stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0, dec.decode(out.stderr));
  return JSON.parse(dec.decode(out.stdout));
}

Deno.test("export --format hftbacktest: hftbacktest loads a day, validates it and backtests its example's quoting over it", async () => {
  const run = tempDir("hft_run");
  const out = tempDir("hft_out");
  try {
    assert.equal((await runCli(["run", "--output", run, "--quiet"])).code, 0);
    const file = `${run}/2026-01-02.qrsdp`;
    const r = await runCli([
      "export",
      run,
      "--format",
      "hftbacktest",
      "--output",
      out,
      "--latency",
      "2.5",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const npz = `${out}/DEFAULT_2026-01-02.npz`;
    const h = QrsdpReader.open(file).header;
    const records = readRecords(file);
    const executions = records.filter((x) => x.type >= 4);
    const check = await python([
      "-c",
      `
import json, sys, numpy as np
from hftbacktest import event_dtype, TRADE_EVENT, DEPTH_SNAPSHOT_EVENT, DEPTH_CLEAR_EVENT, BUY_EVENT
from hftbacktest.data import validate_event_order
d = np.load(sys.argv[1])["data"]
validate_event_order(d)
kind = d["ev"] & 0xff
trades = d[kind == TRADE_EVENT]
print(json.dumps({
  "same_dtype": d.dtype == event_dtype,
  "first": int(kind[0]),
  "snapshot": int((kind == DEPTH_SNAPSHOT_EVENT).sum()),
  "latency": sorted(set((d["local_ts"] - d["exch_ts"]).tolist())),
  "open_ns": str(d["exch_ts"][0]),
  "trades": [[bool(t["ev"] & BUY_EVENT), round(float(t["px"]) * 100), float(t["qty"])] for t in trades],
}))`,
      npz,
    ]) as Record<string, unknown>;
    assert.equal(check.same_dtype, true);
    assert.equal(check.first, 3); // a depth clear, then the opening book
    assert.equal(check.snapshot, 2 * h.levelsPerSide);
    assert.deepEqual(check.latency, [2_500_000]);
    // 09:30 in New York on 2026-01-02 is 14:30 UTC.
    assert.equal(check.open_ns, String(BigInt(Date.UTC(2026, 0, 2, 14, 30)) * 1_000_000n));
    assertSameRows(
      check.trades as unknown[],
      executions.map((x) => [x.type === 4, x.priceTicks, x.qty * 100]),
    );

    const result = await python([
      `${ROOT}/tests/analysis/hftbacktest_quote.py`,
      npz,
      "2500000",
    ]) as {
      status: number;
      steps: number;
      last_timestamp: string;
      num_trades: number;
    };
    // 1: the end of the data, reached without an error.
    assert.equal(result.status, 1);
    assert.ok(result.num_trades > 0, JSON.stringify(result));
    // Ten-millisecond steps over the whole session, 09:30 to 16:00: the last within 20 ms of the
    // close (the day's last event is a few milliseconds before it).
    const close = BigInt(check.open_ns as string) + BigInt(h.sessionSeconds) * 1_000_000_000n;
    const last = BigInt(result.last_timestamp);
    assert.ok(last <= close && close - last <= 20_000_000n, `${last} vs close ${close}`);
    assert.ok(result.steps >= h.sessionSeconds * 100 - 2, `${result.steps} steps`);
  } finally {
    Deno.removeSync(run, { recursive: true });
    Deno.removeSync(out, { recursive: true });
  }
});
