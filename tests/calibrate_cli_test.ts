import assert from "node:assert/strict";
import { FIXTURES, runCli, tempDir } from "./helpers.ts";

const CAL = `${FIXTURES}/calibrate`;
const G1 = `${FIXTURES}/g1_seed42_simple`;
const G2 = `${FIXTURES}/g2_seed7_multi`;

function withDir(name: string, fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = tempDir(name);
    try {
      await fn(dir);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  };
}

/** The names in a directory: proof that nothing (not even a temporary file) was left behind. */
function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test(
  "calibrate --compat through the CLI: a run directory stands for its files in manifest order",
  withDir("cal_cli", async (dir) => {
    const res = await runCli(["calibrate", G2, "--compat", "--output", `${dir}/c3.json`]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stderr, "");
    assert.equal(
      Deno.readTextFileSync(`${dir}/c3.json`),
      Deno.readTextFileSync(`${CAL}/c3_g2_all.json`),
    );
    assert.match(res.stdout, /^4 files: [\d,]+ events, [\d,]+ sojourns; K=4, n_max=100 -> /);
    assert.match(res.stdout, /\nlevel +side +sojourns +largest n +sojourns there\n0 +bid +/);

    const opts = await runCli([
      "calibrate",
      `${G1}/2026-01-02.qrsdp`,
      "--compat",
      "--levels",
      "3",
      "--n-max",
      "12",
      "--spread-sens",
      "0.55",
      "--output",
      "-",
    ]);
    assert.equal(opts.code, 0, opts.stderr);
    assert.equal(opts.stdout, Deno.readTextFileSync(`${CAL}/c6_g1_opts.json`));
    assert.match(
      opts.stderr,
      /^1 file: 43,278 events, [\d,]+ sojourns; K=3, n_max=12 -> stdout/,
    );
  }),
);

/** The remaining goldens of tests/fixtures/calibrate/README.md, as command lines. */
const GOLDEN_ARGS: [string, string[]][] = [
  ["c1_g1.json", [G1]],
  ["c2_g2_aapl.json", [`${G2}/AAPL/2026-03-06.qrsdp`, `${G2}/AAPL/2026-03-09.qrsdp`]],
  ["c4_g3.json", [`${FIXTURES}/g3_seed11_hlr`]],
  ["c8_g1_nmax0.json", [G1, "--n-max", "0"]],
  ["tiny/tiny_curves.json", [`${CAL}/tiny/tiny.qrsdp`, "--n-max", "4"]],
  ["empty/curves.json", [`${CAL}/empty/input_zero_events.qrsdp`]],
];

Deno.test(
  "calibrate --compat through the CLI writes every other golden byte for byte",
  withDir("cal_goldens", async (dir) => {
    for (const [golden, args] of GOLDEN_ARGS) {
      const res = await runCli(["calibrate", ...args, "--compat", "--output", `${dir}/c.json`]);
      assert.equal(res.code, 0, res.stderr);
      assert.equal(
        Deno.readTextFileSync(`${dir}/c.json`),
        Deno.readTextFileSync(`${CAL}/${golden}`),
        golden,
      );
    }
  }),
);

Deno.test(
  "calibrate --json prints one JSON summary; the default mode writes both sensitivities",
  withDir("cal_json", async (dir) => {
    const res = await runCli([
      "calibrate",
      G1,
      "--json",
      "--spread-sens",
      "0.2",
      "--imbalance-sens",
      "0.5",
      "--output",
      `${dir}/c.json`,
    ]);
    assert.equal(res.code, 0, res.stderr);
    const summary = JSON.parse(res.stdout);
    assert.equal(summary.mode, "default");
    assert.equal(summary.events, 43278);
    assert.equal(summary.levels, 5);
    assert.equal(summary.n_max, 100);
    assert.deepEqual(summary.warnings, []);
    assert.equal(summary.files[0].mispriced_executions, 0);
    assert.equal(summary.files.length, 1);
    assert.equal(summary.queues.length, 10);
    assert.deepEqual(summary.queues[0], {
      level: 0,
      side: "bid",
      sojourns: 13809,
      largest_n: 10,
      sojourns_at_largest_n: 1,
    });
    const curves = JSON.parse(Deno.readTextFileSync(`${dir}/c.json`));
    assert.equal(curves.spread_sensitivity, 0.2);
    assert.equal(curves.imbalance_sensitivity, 0.5);
  }),
);

Deno.test(
  "calibrate on bad input: one line, the exit code, no output file",
  withDir("cal_bad", async (dir) => {
    Deno.mkdirSync(`${dir}/empty_dir`);
    const bytes = Deno.readFileSync(`${G1}/2026-01-02.qrsdp`);
    Deno.writeFileSync(`${dir}/torn.qrsdp`, bytes.subarray(0, 300_000));
    const out = `${dir}/out/curves.json`;
    Deno.mkdirSync(`${dir}/out`);
    const cases: [string[], number, RegExp][] = [
      [[`${dir}/missing.qrsdp`], 2, /missing.qrsdp: cannot read/],
      [[`${dir}/empty_dir`], 2, /empty_dir: a directory without manifest.json/],
      [[`${dir}/torn.qrsdp`, "--compat"], 1, /torn.qrsdp: byte \d+: torn chunk/],
      [[G1, "--n-max=-1"], 2, /--n-max: -1 is below 0/],
      [[G1, "--levels", "6"], 2, /--levels 6: .*2026-01-02.qrsdp has 5 levels per side/],
      [[G1, "--compat", "--imbalance-sens", "2"], 2, /--imbalance-sens: --compat always writes 1/],
      [[G1, "--compat", "--lobster"], 2, /--compat reads .qrsdp logs only, not --lobster/],
      [[G1, "--spread-sens", "nan"], 2, /--spread-sens: 'nan' is not a number/],
      [[], 2, /give one or more .qrsdp files or run directories/],
    ];
    for (const [args, code, message] of cases) {
      const res = await runCli(["calibrate", ...args, "--output", out]);
      assert.equal(res.code, code, `${args.join(" ")}: ${res.stderr}`);
      assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
      assert.match(res.stderr, message);
      assert.deepEqual(names(`${dir}/out`), [], args.join(" "));
    }
    const both = await runCli(["calibrate", G1, "--json", "--output", "-"]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--json with --output -: both would go to stdout/);
    assert.equal(both.stdout, "");
    const unwritable = await runCli(["calibrate", G1, "--output", `${dir}/nowhere/c.json`]);
    assert.equal(unwritable.code, 1);
    assert.match(unwritable.stderr, /^qrsdp calibrate: .*nowhere\/c.json: cannot create \(/);
    assert.equal(unwritable.stdout, "");
  }),
);

Deno.test(
  "calibrate: a torn file's complete chunks are used by default, with a warning and exit 1; --compat takes negative n_max and too many levels",
  withDir("cal_torn", async (dir) => {
    const bytes = Deno.readFileSync(`${G1}/2026-01-02.qrsdp`);
    Deno.writeFileSync(`${dir}/torn.qrsdp`, bytes.subarray(0, 300_000));
    const res = await runCli(["calibrate", `${dir}/torn.qrsdp`, "--output", `${dir}/c.json`]);
    // Exit 0 before the input layer: a damaged input went unreported in the exit status.
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /warning: .*torn.qrsdp: byte \d+: torn chunk.*using its \d+ complete/);
    assert.match(res.stdout, /^1 file: [\d,]+ events/);
    assert.ok(Deno.statSync(`${dir}/c.json`).size > 0);

    const compat = await runCli(
      ["calibrate", G1, "--compat", "--n-max=-1", "--levels", "7", "--output", `${dir}/n.json`],
    );
    assert.equal(compat.code, 0, compat.stderr);
    assert.match(compat.stderr, /warning: --levels 7: .* has 5 levels per side/);
    const curves = Deno.readTextFileSync(`${dir}/n.json`);
    assert.match(curves, /"n_max": -1,\n/);
    assert.match(curves, /"lambda_M_sell": \[0\]\n}\n$/);
  }),
);

Deno.test(
  "calibrate --compat on a depth-0 file prints the established tool's 296 mispriced-execution lines",
  withDir("cal_depth0", async (dir) => {
    const res = await runCli([
      "calibrate",
      `${CAL}/depth0/input_seed3_depth0.qrsdp`,
      "--compat",
      "--output",
      `${dir}/c.json`,
    ]);
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stderr.trim().split("\n");
    assert.equal(lines.length, 296);
    assert.match(lines[0], /^QRSDP: EXECUTE_(BUY|SELL) target price \d+ != best (ask|bid) \d+/);
    assert.equal(
      Deno.readTextFileSync(`${dir}/c.json`),
      Deno.readTextFileSync(`${CAL}/depth0/curves.json`),
    );
  }),
);
