import assert from "node:assert/strict";
import { qrsdpFiles, runCli, tempDir } from "./helpers.ts";

const BAD_RUNS: [string[], RegExp][] = [
  [["--bogus"], /Unknown option '--bogus'/],
  [["--seed"], /--seed: missing value/],
  [["--days", "-1"], /--days: -1 is out of range/],
  [["--seed", "abc"], /--seed: 'abc' is not an integer/],
  [["--days=-1"], /--days: -1 is out of range/],
  [["--levels", "0"], /--levels: 0 is out of range/],
  [["--levels", "65"], /--levels: 65 is out of range/],
  [
    ["--speed", "0"],
    /--speed: 0 is out of range \(must be at least 0.001 and at most 1000000000\)/,
  ],
  [["--seconds", "1.5"], /--seconds: '1.5' is not an integer/],
  [["--securities", "AAPL"], /--securities: 'AAPL' is not SYM:P0/],
  [["--securities", "aapl:100"], /symbol 'aapl' must be 1-16 of A-Z/],
  [["--securities", "../X:100"], /symbol '..\/X'/],
  [["--securities", "..:100"], /symbol '..'/],
  [["--securities", "A:1,A:2"], /symbol 'A' appears twice/],
  [["--securities", "A:x"], /--securities A: 'x' is not an integer/],
  [["--start-date", "2026-02-30"], /--start-date: '2026-02-30' is not a real date/],
  [["--market-open", "25:00"], /--market-open: '25:00' is not HH:MM/],
  [["--model", "fancy"], /--model: 'fancy' is not simple or hlr/],
  [["--hlr-curves", "/nonexistent.json"], /--hlr-curves: \/nonexistent.json: cannot read/],
  [["--kafka-brokers", "nohost"], /--kafka-brokers: 'nohost' is not host:port/],
];

for (const [args, message] of BAD_RUNS) {
  Deno.test(`run ${args.join(" ")}: one-line error, exit 2, nothing written`, async () => {
    const out = tempDir("bad");
    const res = await runCli(["run", ...args, "--output", `${out}/run`]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, message);
    assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
    assert.throws(() => Deno.statSync(`${out}/run`));
  });
}

Deno.test("unknown command and bare invocation exit 2 with guidance", async () => {
  const res = await runCli(["frobnicate"]);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /unknown command 'frobnicate'/);
  assert.equal((await runCli([])).code, 2);
});

Deno.test("run --help prints every flag with the default really used", async () => {
  const res = await runCli(["run", "--help"]);
  assert.equal(res.code, 0);
  for (
    const [flag, def] of [
      ["--base-L", "20"],
      ["--base-C", "0.5"],
      ["--base-M", "15"],
      [
        "--spread-sens",
        "0.4",
      ],
      ["--seconds", "23400"],
      ["--chunk-size", "4096"],
      ["--levels", "5"],
      ["--depth", "5"],
    ]
  ) {
    assert.match(
      res.stdout,
      new RegExp(`${flag} <value>.*\\(default ${def.replace(".", "\\.")}\\)`),
    );
  }
});

Deno.test("results do not depend on the number of workers", async () => {
  const flags = [
    "--seed",
    "3",
    "--days",
    "2",
    "--seconds",
    "200",
    "--securities",
    "A:100,B:2000,C:30000",
    "--quiet",
  ];
  const one = tempDir("w1"), three = tempDir("w3");
  assert.equal((await runCli(["run", ...flags, "--workers", "1", "--output", one])).code, 0);
  assert.equal((await runCli(["run", ...flags, "--workers", "3", "--output", three])).code, 0);
  const files = qrsdpFiles(one);
  assert.equal(files.length, 6);
  assert.deepEqual(qrsdpFiles(three), files);
  for (const f of files) {
    assert.deepEqual(Deno.readFileSync(`${one}/${f}`), Deno.readFileSync(`${three}/${f}`), f);
  }
  assert.equal(
    Deno.readTextFileSync(`${one}/manifest.json`),
    Deno.readTextFileSync(`${three}/manifest.json`),
  );
});

Deno.test("run prints a line per day and a summary; info describes files and runs", async () => {
  const out = tempDir("info");
  const res = await runCli([
    "run",
    "--seed",
    "9",
    "--days",
    "2",
    "--seconds",
    "100",
    "--output",
    out,
  ]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /^- 2026-01-02 seed 9: [\d,]+ events, .* p0 10000 -> close \d+$/m);
  assert.match(res.stdout, /^- 2026-01-05 seed 10: /m, "the next weekday follows a Friday");
  assert.match(res.stdout, /^total: [\d,]+ events in 2 sessions, .*x compression\), .* events\/s/m);

  const file = await runCli(["info", `${out}/2026-01-05.qrsdp`, "--records", "3"]);
  assert.equal(file.code, 0);
  assert.match(file.stdout, /seed +10\n/);
  assert.match(file.stdout, /integrity +ok/);
  assert.equal(file.stdout.match(/^ {4}\d\d:\d\d:\d\d\.\d{9} /gm)?.length, 3);

  const run = await runCli(["info", out]);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /2026-01-02 +9 /);
  assert.match(run.stdout, /2026-01-05 +10 /);

  // A torn file is described, with the damage's byte offset, and exit 1.
  const path = `${out}/2026-01-05.qrsdp`;
  const bytes = Deno.readFileSync(path);
  Deno.writeFileSync(path, bytes.slice(0, 5000));
  const torn = await runCli(["info", path]);
  assert.equal(torn.code, 1);
  assert.match(torn.stdout, /no index/);
  assert.match(torn.stdout, /damage +byte \d+: torn chunk/);

  Deno.writeFileSync(path, new TextEncoder().encode("not a qrsdp file. ".repeat(8)));
  const bad = await runCli(["info", path]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /2026-01-05.qrsdp: byte 0: magic is "not a qr"/);
});

Deno.test("without --output a run lands in output/run_<seed> under the working directory", async () => {
  const cwd = tempDir("cwd");
  const res = await runCli(["run", "--seed", "77", "--seconds", "30", "--quiet"], { cwd });
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual(qrsdpFiles(`${cwd}/output/run_77`), ["2026-01-02.qrsdp"]);
});

Deno.test("--hlr-curves reads a curves file; its K drives the model, --levels still sizes the book", async () => {
  const dir = tempDir("curves");
  const flat = (v: number) => Array.from({ length: 11 }, () => v);
  const curves = {
    K: 2,
    lambda_L_bid: [flat(10), flat(3)],
    lambda_L_ask: [flat(10), flat(3)],
    lambda_C_bid: [flat(1), flat(1)],
    lambda_C_ask: [flat(1), flat(1)],
    lambda_M_buy: flat(5),
    lambda_M_sell: flat(5),
  };
  Deno.writeTextFileSync(`${dir}/curves.json`, JSON.stringify(curves));
  const ok = await runCli([
    "run",
    "--hlr-curves",
    `${dir}/curves.json`,
    "--seconds",
    "60",
    "--output",
    `${dir}/run`,
    "--quiet",
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  const info = await runCli(["info", `${dir}/run/2026-01-02.qrsdp`]);
  assert.match(info.stdout, /book +5 levels/);
  const two = await runCli(
    ["run", "--hlr-curves", `${dir}/curves.json`, "--levels", "2", "--seconds", "60"]
      .concat(["--output", `${dir}/run2`, "--quiet"]),
  );
  assert.equal(two.code, 0, two.stderr);
  assert.match((await runCli(["info", `${dir}/run2/2026-01-02.qrsdp`])).stdout, /book +2 levels/);
  Deno.writeTextFileSync(`${dir}/bad.json`, JSON.stringify({ ...curves, lambda_M_buy: "x" }));
  const bad = await runCli(["run", "--hlr-curves", `${dir}/bad.json`]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad.json: "lambda_M_buy" must be a non-empty array of numbers/);
});

Deno.test("an output folder that cannot be made: one line, exit 2", async () => {
  const file = `${tempDir("notdir")}/file`;
  Deno.writeTextFileSync(file, "");
  const res = await runCli(["run", "--seconds", "10", "--output", `${file}/run`]);
  assert.equal(res.code, 2);
  assert.match(
    res.stderr,
    new RegExp(`^qrsdp run: --output: cannot create ${file}/run \\(.+\\)\\n$`),
  );
});
