/** Batch runs spread as day tasks over workers: the same files, whatever the workers. */
import assert from "node:assert/strict";
import { runConfigFromArgs } from "../src/cli/run_options.ts";
import { runSecurity } from "../src/run/security_run.ts";
import { StopFlag } from "../src/run/stop.ts";
import { FileSink } from "../src/sinks/file_sink.ts";
import { qrsdpFiles, runCli, tempDir } from "./helpers.ts";

// 3 securities x 3 days x 500 s: past the short-run limit, so workers run it.
const FLAGS = ["--seed", "3", "--days", "3", "--seconds", "500", "--chunk-size", "500"]
  .concat(["--securities", "AA:10000,BB:12000,CC:9000", "--start-date", "2026-01-08"]);

Deno.test("day tasks over 1, 2 or 3 workers write the files of each security run day after day", async () => {
  const expected = tempDir("days_expected");
  const cfg = await runConfigFromArgs([...FLAGS, "--output", expected]);
  for (let i = 0; i < cfg.securities.length; i++) {
    const sink = new FileSink(expected);
    await runSecurity(cfg, i, sink, new StopFlag());
    await sink.close();
  }
  const files = qrsdpFiles(expected);
  assert.equal(files.length, 9);
  for (const workers of ["1", "2", "3"]) {
    const out = tempDir(`days_${workers}`);
    const res = await runCli(["run", ...FLAGS, "--workers", workers, "--output", out, "--quiet"]);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(qrsdpFiles(out), files);
    for (const f of files) {
      const ours = Deno.readFileSync(`${out}/${f}`), want = Deno.readFileSync(`${expected}/${f}`);
      // Not deepEqual: its diff of two large byte arrays takes gigabytes.
      const same = ours.length === want.length && ours.every((b, i) => b === want[i]);
      assert.ok(same, `${workers} workers: ${f} differs (${ours.length} vs ${want.length} bytes)`);
    }
    const manifest = JSON.parse(Deno.readTextFileSync(`${out}/manifest.json`));
    assert.deepEqual(
      manifest.securities.map((s: { sessions: { date: string }[] }) =>
        s.sessions.map((x) => x.date)
      ),
      [0, 1, 2].map(() => ["2026-01-08", "2026-01-09", "2026-01-12"]),
      `${workers} workers: each security's days in order in the manifest`,
    );
  }
});
