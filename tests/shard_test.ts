import assert from "node:assert/strict";
import { qrsdpFiles, readRecords, runCli, tempDir } from "./helpers.ts";

const SEVEN = "A:10000,B:11000,C:12000,D:13000,E:14000,F:15000,G:16000";
const MODELS: Record<string, string[]> = {
  simple: [],
  hlr: ["--model", "hlr"],
};

/** Every file under `dir` (manifest and sessions), relative path -> bytes. */
function tree(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  out.set("manifest.json", Deno.readFileSync(`${dir}/manifest.json`));
  for (const f of qrsdpFiles(dir)) out.set(f, Deno.readFileSync(`${dir}/${f}`));
  return out;
}

function assertSameTree(got: string, want: string): void {
  const a = tree(got), b = tree(want);
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  for (const [name, bytes] of b) assert.deepEqual(a.get(name), bytes, `${got}/${name} differs`);
}

async function ok(args: string[]): Promise<string> {
  const r = await runCli(args);
  assert.equal(r.code, 0, `qrsdp ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

for (const [model, flags] of Object.entries(MODELS)) {
  Deno.test(`run --shard I/4 then merge: the one-process run byte for byte (${model})`, async () => {
    const dir = tempDir("shard");
    const base = [
      "run",
      "--securities",
      SEVEN,
      "--days",
      "3",
      "--seconds",
      "120",
      "--quiet",
      ...flags,
    ];
    await ok([...base, "--output", `${dir}/whole`]);
    const parts = [0, 1, 2, 3].map((i) => `${dir}/part${i}`);
    for (const [i, part] of parts.entries()) {
      await ok([...base, "--shard", `${i}/4`, "--output", part, "--workers", String(1 + i % 2)]);
    }
    // Shard 1 of 4 runs B and F (indices 1 and 5), seeded as in the whole run.
    assert.deepEqual(qrsdpFiles(parts[1]).map((f) => f.split("/")[0]), [
      "B",
      "B",
      "B",
      "F",
      "F",
      "F",
    ]);
    const merged = await ok([
      "merge",
      parts[3],
      parts[1],
      parts[0],
      parts[2],
      "--output",
      `${dir}/merged`,
    ]);
    assert.match(merged, /^merged 4 parts: 7 securities, 21 files, [\d,]+ events -> /);
    assertSameTree(`${dir}/merged`, `${dir}/whole`);
    Deno.removeSync(dir, { recursive: true });
  });
}

Deno.test("merge refuses parts that do not make one whole run, naming the part", async () => {
  const dir = tempDir("shardbad");
  const base = ["run", "--securities", SEVEN, "--seconds", "60", "--quiet", "--days"];
  for (const i of [0, 1]) await ok([...base, "2", "--shard", `${i}/2`, "--output", `${dir}/p${i}`]);
  await ok([...base, "2", "--shard", "1/2", "--seed", "7", "--output", `${dir}/other`]);
  await ok([...base, "1", "--shard", "1/2", "--output", `${dir}/short`]);
  await ok([...base, "2", "--output", `${dir}/whole`]);
  const cases: [string[], RegExp][] = [
    [[`${dir}/p0`], /^qrsdp merge: shard 1\/2 is missing$/],
    [[`${dir}/p0`, `${dir}/p1`, `${dir}/p1`], /p1 and .*p1 are both shard 1\/2$/],
    [[`${dir}/p0`, `${dir}/other`], /other\/manifest\.json: settings differ from /],
    [
      [`${dir}/p0`, `${dir}/short`],
      /short\/manifest\.json: B has 1 sessions, A in .*p0 2: this part stopped early/,
    ],
    [[`${dir}/p0`, `${dir}/whole`], /whole\/manifest\.json: has no shard block/],
  ];
  for (const [parts, message] of cases) {
    const r = await runCli(["merge", ...parts, "--output", `${dir}/out`]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr.trim(), message);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.throws(() => Deno.statSync(`${dir}/out/manifest.json`));
  }
  // A damaged session file: named with its byte offset, and nothing is written.
  const victim = `${dir}/p1/B/${qrsdpFiles(`${dir}/p1`)[0].split("/")[1]}`;
  const bytes = Deno.readFileSync(victim);
  bytes[200] ^= 0xff;
  Deno.writeFileSync(victim, bytes);
  const r = await runCli(["merge", `${dir}/p0`, `${dir}/p1`, "--output", `${dir}/out`]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /B\/2026-01-0\d\.qrsdp: byte \d+: chunk 0: /);
  assert.throws(() => Deno.statSync(`${dir}/out/manifest.json`));
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("run --first-day 2 --continue RUN: days 2.. equal the whole run's", async () => {
  const dir = tempDir("continue");
  const base = ["run", "--securities", "A:10000,B:20000", "--seconds", "300", "--quiet"];
  await ok([...base, "--days", "4", "--output", `${dir}/whole`]);
  await ok([...base, "--days", "2", "--output", `${dir}/first`]);
  // Continued from a run that ends the day before: its close is found by generating that day.
  await ok([
    ...base,
    "--days",
    "2",
    "--first-day",
    "2",
    "--continue",
    `${dir}/first`,
    "--output",
    `${dir}/rest`,
  ]);
  const rest = qrsdpFiles(`${dir}/rest`);
  assert.deepEqual(rest, [
    "A/2026-01-06.qrsdp",
    "A/2026-01-07.qrsdp",
    "B/2026-01-06.qrsdp",
    "B/2026-01-07.qrsdp",
  ]);
  for (const f of rest) {
    assert.deepEqual(
      Deno.readFileSync(`${dir}/rest/${f}`),
      Deno.readFileSync(`${dir}/whole/${f}`),
      f,
    );
  }
  // Flags that made a different run are refused, naming the file.
  const r = await runCli([
    ...base,
    "--days",
    "1",
    "--base-L",
    "21",
    "--first-day",
    "2",
    "--continue",
    `${dir}/first`,
    "--output",
    `${dir}/x`,
  ]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /^qrsdp run: --continue: .*first\/A\/2026-01-05\.qrsdp was not made with these flags/,
  );
  const missing = await runCli([...base, "--first-day", "2", "--output", `${dir}/y`]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--first-day: give --continue RUN/);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("run --shard: usage errors name the flag", async () => {
  const cases: [string[], RegExp][] = [
    [["--shard", "4/4", "--securities", SEVEN], /--shard: '4\/4' is not I\/N with 0 <= I < N/],
    [["--shard", "1/2"], /--shard: give the whole run's --securities/],
    [
      ["--shard", "2/3", "--securities", "A:100,B:200"],
      /--shard 2\/3: no security has i mod 3 = 2/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(["run", "--seconds", "1", ...args, "--output", tempDir("shardusage")]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  }
});

Deno.test("order_id numbers a session's events 1, 2, 3, ... for every model and flag", async () => {
  const variants = [
    [],
    ["--model", "hlr"],
    ["--theta-reinit", "0.5"],
    ["--levels", "1", "--depth", "0"],
    ["--chunk-size", "7", "--max-events", "5000"],
  ];
  for (const flags of variants) {
    const dir = tempDir("orderid");
    await ok([
      "run",
      "--securities",
      "A:10000,B:300",
      "--days",
      "2",
      "--seconds",
      "60",
      "--quiet",
      ...flags,
      "--output",
      dir,
    ]);
    for (const f of qrsdpFiles(dir)) {
      const ids = readRecords(`${dir}/${f}`).map((r) => r.orderId);
      assert.ok(ids.length > 0, `${flags.join(" ")} ${f}: no events`);
      assert.ok(ids.every((id, i) => id === i + 1), `${flags.join(" ")} ${f}: order_id not 1..n`);
    }
    Deno.removeSync(dir, { recursive: true });
  }
});
