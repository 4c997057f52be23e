import assert from "node:assert/strict";
import { UsageError } from "../core/errors.ts";
import {
  createModel,
  fileHeader,
  manifestSettings,
  sessionConfig,
  sessionFile,
  sessionSeed,
} from "../run/config.ts";
import { runConfigFromArgs } from "./run_options.ts";

Deno.test("run flags: each group of the run configuration, with the defaults of model.md §6", async () => {
  const cfg = await runConfigFromArgs([]);
  assert.equal(cfg.seed, 42n);
  assert.deepEqual(cfg.securities, [{ symbol: null, p0Ticks: 10000 }]);
  assert.equal(cfg.workers, navigator.hardwareConcurrency);
  assert.deepEqual(cfg.book, { tickSize: 100, levels: 5, initialSpreadTicks: 2, initialDepth: 5 });
  assert.deepEqual(cfg.session, {
    days: 1,
    startDate: "2026-01-02",
    calendar: "weekdays",
    seconds: 23400,
    marketOpenSeconds: 34200,
    maxEvents: null,
  });
  assert.equal(cfg.model.kind, "simple");
  assert.equal(cfg.model.hlrCurves, null);
  assert.deepEqual(cfg.pacing, { realtime: false, speed: 100, overnightSeconds: 3, rate: null });
  assert.equal(cfg.kafka, null);
  assert.deepEqual(cfg.output, { dir: "output/run_42", chunkSize: 4096, force: false });
});

Deno.test("run flags: --realism turns on its set; a flag given on its own wins", async () => {
  const cfg = await runConfigFromArgs(["--realism", "--regimes", "2:1,0.5:1@10"]);
  assert.equal(cfg.session.calendar, "nyse");
  assert.deepEqual(cfg.model.sizes, { kind: "lognormal", mu: 1, sigma: 1 });
  assert.equal(cfg.model.activity?.intraday?.length, 13);
  assert.deepEqual(cfg.model.activity?.regimes, {
    multipliers: [2, 0.5],
    weights: [1, 1],
    meanSeconds: 600,
  });
  const plain = await runConfigFromArgs([]);
  assert.equal(plain.model.activity, null);
  assert.equal(plain.model.sizes, null);
  await assert.rejects(runConfigFromArgs(["--regimes", "2:1@0"]), /--regimes: '2:1@0' is not/);
  await assert.rejects(runConfigFromArgs(["--sizes", "geometric:0"]), /--sizes: 'geometric:0'/);
  await assert.rejects(runConfigFromArgs(["--intraday", "/nonexistent.json"]), /--intraday: /);
});

Deno.test("run flags: securities, seeds, files, and the model chosen by --model", async () => {
  const cfg = await runConfigFromArgs([
    "--seed=7",
    "--securities",
    "AAA:100,B.B:200",
    "--model",
    "hlr",
    "--levels",
    "3",
    "--market-open",
    "10:00",
    "--kafka-brokers",
    "h:1",
    "--kafka-max-in-flight",
    "5",
    "--kafka-records-per-message",
    "64",
  ]);
  assert.equal(cfg.workers, navigator.hardwareConcurrency);
  assert.equal((await runConfigFromArgs(["--workers", "3"])).workers, 3);
  assert.equal(sessionSeed(cfg, 1, 2), 7n + 1024n + 2n);
  const top = await runConfigFromArgs([
    "--seed",
    "18446744073709551615",
    "--securities",
    "A:1,B:1",
  ]);
  assert.equal(sessionSeed(top, 1, 1), 1024n, "u64 arithmetic wraps, as the C++ producer's");
  assert.equal(sessionFile(cfg.securities[1], "2026-01-02"), "B.B/2026-01-02.qrsdp");
  assert.equal(sessionFile({ symbol: null, p0Ticks: 1 }, "2026-01-02"), "2026-01-02.qrsdp");
  assert.equal(cfg.model.hlrCurves?.levels, 3);
  assert.equal(cfg.kafka?.maxInFlight, 5);
  assert.equal(cfg.kafka?.recordsPerMessage, 64);
  assert.equal(cfg.kafka?.lingerMs, 5);
  assert.equal(cfg.kafka?.topic, "exchange.events");
  assert.equal(cfg.output.dir, "output/run_7");
});

Deno.test("the session, the file header and the manifest agree with the run configuration", async () => {
  const cfg = await runConfigFromArgs(["--seconds", "600", "--depth", "0", "--chunk-size", "100"]);
  const session = sessionConfig(cfg, 99n, 12345);
  assert.deepEqual(session, {
    seed: 99n,
    p0Ticks: 12345,
    levelsPerSide: 5,
    initialSpreadTicks: 2,
    initialDepth: 0,
    sessionSeconds: 600,
    marketOpenNs: 34200e9,
    thetaReinit: 0,
    reinitDepthMean: 10,
    activity: null,
  });
  const header = fileHeader(cfg, 99n, 12345);
  assert.equal(header.seed, 99n);
  assert.equal(header.p0Ticks, 12345);
  assert.equal(header.tickSize, 100);
  assert.equal(header.chunkCapacity, 100);
  assert.equal(header.marketOpenNs, session.marketOpenNs);
  assert.equal(header.headerFlags, 0);
  assert.deepEqual(manifestSettings(cfg), {
    baseSeed: 42n,
    sessionSeconds: 600,
    tickSize: 100,
    levelsPerSide: 5,
    initialSpreadTicks: 2,
    initialDepth: 0,
    thetaReinit: 0,
  });
});

Deno.test("run flags: workers default to one per core, whatever the number of securities", async () => {
  const many = Array.from({ length: 300 }, (_, i) => `S${i}:1`).join(",");
  assert.equal(
    (await runConfigFromArgs(["--securities", many])).workers,
    navigator.hardwareConcurrency,
  );
  assert.equal((await runConfigFromArgs(["--securities", many, "--workers", "7"])).workers, 7);
});

Deno.test("run flags: the errors a user meets, one line each", async () => {
  const bad: [string[], RegExp][] = [
    [["--securities", "AAPL"], /^--securities: 'AAPL' is not SYM:P0$/],
    [["--securities", "A:1,A:2"], /symbol 'A' appears twice/],
    [["--securities", "..:1"], /symbol '..' must be 1-16 of A-Z 0-9 \. _ -/],
    [["--securities", "A:0"], /^--securities A: 0 is out of range/],
    [["--kafka-max-in-flight", "0"], /^--kafka-max-in-flight: 0 is out of range/],
    [["--kafka-records-per-message", "0"], /^--kafka-records-per-message: 0 is out of range/],
    [["--kafka-linger-ms=-1"], /^--kafka-linger-ms: -1 is out of range/],
    [["--kafka-brokers", "nohost"], /^--kafka-brokers: 'nohost' is not host:port$/],
    [["--start-date", "2026-02-30"], /^--start-date: '2026-02-30' is not a real date$/],
    [["--securities", "A:100", "--p0", "500"], /^--p0 with --securities: each security's opening/],
  ];
  for (const [args, message] of bad) {
    await assert.rejects(
      () => runConfigFromArgs(args),
      (e) => e instanceof UsageError && message.test(e.message),
      args.join(" "),
    );
  }
});

Deno.test("run flags: --securities @FILE, a security a line with model parameters of its own", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_secs_" });
  try {
    const file = `${dir}/list.txt`;
    Deno.writeTextFileSync(
      file,
      "# a market\nAAA:10000\n\n  BBB:5000:base-L=2.5,spread-sens=0.1\n",
    );
    const cfg = await runConfigFromArgs(["--securities", `@${file}`]);
    assert.deepEqual(cfg.securities, [
      { symbol: "AAA", p0Ticks: 10000 },
      { symbol: "BBB", p0Ticks: 5000, model: { baseL: 2.5, spreadSens: 0.1 } },
    ]);
    const own = createModel(cfg, cfg.securities[1]) as unknown as Record<string, number>;
    assert.equal(own.baseL, 2.5);
    assert.equal(own.baseC, cfg.model.simple.baseC);
    assert.equal(
      (createModel(cfg, cfg.securities[0]) as unknown as Record<string, number>).baseL,
      cfg.model.simple.baseL,
    );
    for (
      const [text, message] of [
        ["AAA:10000\nAAA:2000\n", /list\.txt:2: symbol 'AAA' appears twice/],
        ["AAA:10000:base-Q=1\n", /list\.txt:1 AAA: 'base-Q=1' is not KEY=VALUE/],
        ["AAA:10000:base-L=-1\n", /list\.txt:1 AAA base-L/],
        ["# nothing\n", /no securities/],
      ] as const
    ) {
      Deno.writeTextFileSync(file, text);
      await assert.rejects(runConfigFromArgs(["--securities", `@${file}`]), message);
    }
    Deno.writeTextFileSync(file, "AAA:10000:base-L=1\n");
    await assert.rejects(
      runConfigFromArgs(["--securities", `@${file}`, "--model", "hlr"]),
      /need --model simple/,
    );
    await assert.rejects(runConfigFromArgs(["--securities", "AAA:1:base-L=1"]), /is not SYM:P0/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
