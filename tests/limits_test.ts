/** `run --json`, `--max-events` and `--rate`, with Kafka and without. */
import assert from "node:assert/strict";
import { kafkaFlags, readTopic, requireBroker } from "./kafka/broker.ts";
import { qrsdpFiles, readRecords, runCli, tempDir } from "./helpers.ts";

await requireBroker();

const TWO = ["--securities", "AAPL:10000,MSFT:15000"];

async function runJson(args: string[]) {
  const r = await runCli(["run", ...args, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

Deno.test("run --json: one document with the run, every session and the Kafka counts per symbol", async () => {
  const dir = tempDir("json");
  const topic = `limits.${crypto.randomUUID()}`;
  const s = await runJson([
    ...TWO,
    "--days",
    "2",
    "--seconds",
    "120",
    "--output",
    dir,
    ...kafkaFlags(topic),
  ]);
  assert.deepEqual(Object.keys(s), [
    "output",
    "seed",
    "events",
    "bytes",
    "seconds",
    "events_per_second",
    "late_seconds",
    "sessions",
    "kafka",
    "errors",
    "ok",
  ]);
  assert.equal(s.output, dir);
  assert.equal(s.late_seconds, null, "an unpaced run has no lateness");
  assert.equal(s.ok, true);
  assert.deepEqual(s.errors, []);
  assert.deepEqual(s.sessions.map((x: { file: string }) => x.file), qrsdpFiles(dir));
  for (const x of s.sessions) {
    assert.equal(x.events, readRecords(`${dir}/${x.file}`).length);
    assert.equal(x.bytes, Deno.statSync(`${dir}/${x.file}`).size);
    assert.equal(x.stopped, false);
    assert.equal(x.capped, false);
    assert.equal(x.late_seconds, null);
  }
  assert.equal(s.events, s.sessions.reduce((n: number, x: { events: number }) => n + x.events, 0));
  const perSymbol = (sym: string) =>
    s.sessions.filter((x: { symbol: string }) => x.symbol === sym).reduce(
      (n: number, x: { events: number }) => n + x.events,
      0,
    );
  // One event per message (the default): as many messages as events.
  const counts = (symbol: string) => ({
    symbol,
    events: perSymbol(symbol),
    acknowledged_events: perSymbol(symbol),
    messages: perSymbol(symbol),
    acknowledged_messages: perSymbol(symbol),
  });
  // One entry per Kafka producer, labelled with the symbols it carried (a short run like this
  // one has a single producer; workers have one each).
  assert.deepEqual(s.kafka.flatMap((k: { symbols: string[] }) => k.symbols).sort(), [
    "AAPL",
    "MSFT",
  ]);
  for (const k of s.kafka) {
    const sent = k.symbols.reduce((n: number, sym: string) => n + perSymbol(sym), 0);
    assert.deepEqual(k, {
      symbols: k.symbols,
      produced: sent,
      acknowledged: sent,
      by_symbol: k.symbols.map(counts),
    });
  }
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("run --max-events N --days 0: exactly N events, shared out, files and topic alike", async () => {
  const dir = tempDir("max");
  const topic = `limits.${crypto.randomUUID()}`;
  const s = await runJson([
    ...TWO,
    "--days",
    "0",
    "--seconds",
    "60",
    "--max-events",
    "10001",
    "--output",
    dir,
    ...kafkaFlags(topic),
  ]);
  const counts = (sym: string) =>
    qrsdpFiles(`${dir}/${sym}`).reduce((n, f) => n + readRecords(`${dir}/${sym}/${f}`).length, 0);
  assert.deepEqual([counts("AAPL"), counts("MSFT")], [5001, 5000]);
  assert.equal(s.events, 10001);
  // 60-second days hold about 4,400 events: the second day of each is cut by the cap.
  assert.deepEqual(
    s.sessions.map((x: { symbol: string; capped: boolean }) => [x.symbol, x.capped]),
    [["AAPL", false], ["AAPL", true], ["MSFT", false], ["MSFT", true]],
  );
  assert.equal((await readTopic(topic)).length, 10001);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("run --max-events without Kafka, one security: the text says the cap ended it", async () => {
  const dir = tempDir("max_text");
  const r = await runCli(["run", "--max-events", "777", "--output", dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^- 2026-01-02 seed 42: 777 events, .* \(--max-events reached\)$/m);
  assert.equal(readRecords(`${dir}/2026-01-02.qrsdp`).length, 777);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("run --rate: never faster than the rate, with Kafka and without", async () => {
  for (const kafka of [false, true]) {
    const dir = tempDir("rate");
    const topic = `limits.${crypto.randomUUID()}`;
    const s = await runJson([
      ...TWO,
      "--rate",
      "8000",
      "--max-events",
      "8000",
      "--output",
      dir,
      ...(kafka ? kafkaFlags(topic) : []),
    ]);
    assert.equal(s.events, 8000);
    // Each security gets half the rate: its 4,000th event is not released before 4000/4000 s.
    for (const x of s.sessions) assert.ok(x.wall_seconds >= 3999 / 4000, JSON.stringify(x));
    if (kafka) assert.equal((await readTopic(topic)).length, 8000);
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("run --rate with --realtime or --speed is a usage error", async () => {
  for (const extra of [["--realtime"], ["--speed", "10"]]) {
    const r = await runCli(["run", "--rate", "100", ...extra]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^qrsdp run: --rate paces by wall clock/);
  }
});
