import assert from "node:assert/strict";
import { QrsdpReader } from "../src/format/reader.ts";
import { qrsdpFiles, runCli, tempDir } from "./helpers.ts";
import { decodeFile } from "./itch/decoder.ts";

Deno.test("run --start-date on a Saturday starts on the Monday, with a note", async () => {
  const out = tempDir("saturday");
  const res = await runCli([
    "run",
    "--start-date",
    "2026-01-03",
    "--seconds",
    "10",
    "--output",
    out,
  ]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stderr, /note: --start-date 2026-01-03 is not a trading day .*2026-01-05/);
  assert.deepEqual(qrsdpFiles(out), ["2026-01-05.qrsdp"]);
  Deno.removeSync(out, { recursive: true });
});

Deno.test("run --calendar nyse skips holidays and closes early at 13:00", async () => {
  const out = tempDir("nyse");
  const res = await runCli([
    ...["run", "--calendar", "nyse", "--start-date", "2026-11-25", "--days", "4"],
    ...["--market-open", "12:59", "--seconds", "600", "--output", out],
  ]);
  assert.equal(res.code, 0, res.stderr);
  assert.doesNotMatch(res.stderr, /note/);
  assert.deepEqual(qrsdpFiles(out), [
    "2026-11-25.qrsdp",
    "2026-11-27.qrsdp",
    "2026-11-30.qrsdp",
    "2026-12-01.qrsdp",
  ]);
  const seconds = (date: string) => QrsdpReader.open(`${out}/${date}.qrsdp`).header.sessionSeconds;
  assert.equal(seconds("2026-11-25"), 600);
  assert.equal(seconds("2026-11-27"), 60, "12:59 to 13:00");
  const manifest = JSON.parse(Deno.readTextFileSync(`${out}/manifest.json`));
  assert.equal(manifest.calendar, "nyse");

  const weekdays = tempDir("weekdays");
  const plain = await runCli([
    "run",
    "--start-date",
    "2026-12-25",
    "--seconds",
    "5",
    "--output",
    weekdays,
  ]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(qrsdpFiles(weekdays), ["2026-12-25.qrsdp"], "weekdays has no holidays");
  assert.equal(JSON.parse(Deno.readTextFileSync(`${weekdays}/manifest.json`)).calendar, undefined);
  Deno.removeSync(out, { recursive: true });
  Deno.removeSync(weekdays, { recursive: true });
});

Deno.test("run --sizes: the live ITCH feed and qrsdp itch of the run give orders the same sizes", async () => {
  const base = tempDir("sizes_itch");
  const run = await runCli([
    ...["run", "--sizes", "geometric:3", "--seconds", "300", "--output", `${base}/run`],
    ...["--itch-dir", `${base}/live`, "--quiet"],
  ]);
  assert.equal(run.code, 0, run.stderr);
  const manifest = JSON.parse(Deno.readTextFileSync(`${base}/run/manifest.json`));
  assert.deepEqual(manifest.order_sizes, { kind: "geometric", mean: 3 });
  const conv = await runCli(["itch", `${base}/run`, "--output", `${base}/conv`, "--quiet"]);
  assert.equal(conv.code, 0, conv.stderr);
  const name = "20260102.qrsdp_ITCH50";
  const live = Deno.readFileSync(`${base}/live/${name}`);
  assert.deepEqual(live, Deno.readFileSync(`${base}/conv/${name}`));
  const messages = decodeFile(live);
  const shares = new Map<number, number>();
  let executions = 0;
  for (const m of messages) {
    if (m.type === "A") shares.set(m.ref, m.shares);
    if (m.type === "E") {
      assert.equal(m.shares, shares.get(m.ref), `execution of order ${m.ref}`);
      executions++;
    }
  }
  assert.ok(executions > 100);
  const lots = [...shares.values()].map((s) => s / 100);
  assert.ok(lots.every(Number.isInteger));
  const mean = lots.reduce((a, b) => a + b, 0) / lots.length;
  assert.ok(Math.abs(mean - 3) < 0.1, `mean size ${mean} lots`);
  Deno.removeSync(base, { recursive: true });
});
