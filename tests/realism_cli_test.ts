import assert from "node:assert/strict";
import { QrsdpReader } from "../src/format/reader.ts";
import { qrsdpFiles, runCli, tempDir } from "./helpers.ts";

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
