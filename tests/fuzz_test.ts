/**
 * Issue 9: `info` on 1,200 mutated `.qrsdp` files and 60 mutated manifests, from a fixed seed.
 * Nothing may throw an uncaught exception, hang, or grow past a memory bound, and no file whose
 * bytes were changed may be called "ok".
 */
import assert from "node:assert/strict";
import { Mt19937_64 } from "../src/core/rng.ts";
import { procStatus, ROOT, runCli, tempDir } from "./helpers.ts";

const FILES = 1200;
const MANIFESTS = 60;
const BATCHES = 4;
/** Peak resident memory allowed to one `info` of a run directory of mutated files. */
const MAX_RSS_MIB = 400;

const rng = new Mt19937_64(20261129n);
const pick = (n: number) => Math.floor(rng.uniform() * n);

const base = tempDir("fuzz_base");
const made = await runCli([
  "run",
  "--seconds",
  "60",
  "--chunk-size",
  "400",
  "--quiet",
  "--output",
  `${base}/r`,
]);
assert.equal(made.code, 0, made.stderr);
const ORIGINAL = Deno.readFileSync(`${base}/r/2026-01-02.qrsdp`);
const MANIFEST = JSON.parse(Deno.readTextFileSync(`${base}/r/manifest.json`));

/** One to three random changes; the result always differs from the original. */
function mutate(bytes: Uint8Array): Uint8Array {
  let out = bytes.slice();
  for (let n = 1 + pick(3); n > 0; n--) {
    const at = pick(out.length);
    switch (pick(7)) {
      case 0: // flip one bit
        out[at] ^= 1 << pick(8);
        break;
      case 1: // random bytes
        for (let i = 0; i < 1 + pick(8); i++) out[pick(out.length)] = pick(256);
        break;
      case 2: // cut short
        out = out.slice(0, pick(out.length));
        break;
      case 3: { // extend
        const longer = new Uint8Array(out.length + 1 + pick(64));
        longer.set(out);
        for (let i = out.length; i < longer.length; i++) longer[i] = pick(256);
        out = longer;
        break;
      }
      case 4: // a header or chunk-header field set to an extreme
        new DataView(out.buffer).setUint32(
          Math.min(pick(2) ? pick(64) & ~3 : 64 + (pick(32) & ~3), out.length - 4),
          [0, 0xffffffff, 0x7fffffff, 1, pick(2 ** 32)][pick(5)],
          true,
        );
        break;
      case 5: // one range copied over another
        out.copyWithin(pick(out.length), at, at + pick(200));
        break;
      default: // a range zeroed
        out.fill(0, at, at + 1 + pick(100));
    }
  }
  return same(out, bytes) ? mutate(bytes) : out;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Runs info on a run directory, sampling its peak memory; fails if it runs over 20 s. */
async function info(dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/main.ts`, "info", dir],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  let peakKiB = 0, running = true;
  const sampler = (async () => {
    while (running) {
      const status = procStatus(child.pid, dir) ?? "";
      peakKiB = Math.max(peakKiB, Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const out = await child.output();
  clearTimeout(timer);
  running = false;
  await sampler;
  assert.ok(out.signal === null, `info ${dir} hung and was killed`);
  assert.ok(peakKiB / 1024 < MAX_RSS_MIB, `info ${dir} peaked at ${peakKiB >> 10} MiB`);
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function noCrash(res: { code: number; stderr: string }, what: string): void {
  assert.ok([0, 1, 2].includes(res.code), `${what}: exit ${res.code}: ${res.stderr}`);
  assert.doesNotMatch(res.stderr, /\n\s+at |Uncaught|TypeError|RangeError/, what);
  assert.ok(res.stderr.trim().split("\n").length <= 1, `${what}: ${res.stderr}`);
}

Deno.test(`info on ${FILES} mutated files: no crash, no hang, bounded memory, never "ok"`, async () => {
  for (let batch = 0; batch < BATCHES; batch++) {
    const dir = tempDir("fuzz");
    const sessions = [];
    for (let i = 0; i < FILES / BATCHES; i++) {
      const seed = batch * 10_000 + i;
      Deno.writeFileSync(`${dir}/f${seed}.qrsdp`, mutate(ORIGINAL));
      sessions.push({ date: "2026-01-02", seed, file: `f${seed}.qrsdp` });
    }
    Deno.writeTextFileSync(`${dir}/manifest.json`, JSON.stringify({ ...MANIFEST, sessions }));
    const res = await info(dir);
    noCrash(res, `batch ${batch}`);
    assert.equal(res.code, 1, res.stderr);
    const rows = res.stdout.split("\n").filter((l) => /^- +2026-01-02 +\d+ /.test(l));
    assert.equal(rows.length, FILES / BATCHES);
    for (const row of rows) assert.doesNotMatch(row, /\s(ok|no checksums)$/, row);
  }
});

/** A random change somewhere in a JSON value: a wrong type, a strange string, a key removed. */
function mutateJson(value: unknown, depth = 0): unknown {
  const odd = [
    null,
    -1,
    1e308,
    2 ** 64,
    "",
    "../../../../dev/zero",
    "/etc/passwd",
    "\x1b[2J",
    {},
    [],
    [null],
    { symbol: { x: 1 } },
    true,
  ];
  if (depth > 0 && pick(4) === 0) return odd[pick(odd.length)];
  if (Array.isArray(value) && value.length) {
    const copy = value.slice();
    const i = pick(copy.length);
    copy[i] = mutateJson(copy[i], depth + 1);
    return copy;
  }
  if (value && typeof value === "object") {
    const copy: Record<string, unknown> = { ...value as Record<string, unknown> };
    const keys = Object.keys(copy);
    const key = keys[pick(keys.length)];
    if (pick(5) === 0) delete copy[key];
    else copy[key] = mutateJson(copy[key], depth + 1);
    return copy;
  }
  return odd[pick(odd.length)];
}

Deno.test(`info on ${MANIFESTS} mutated manifests: no crash, no hang, one line at most`, async () => {
  const multi = tempDir("fuzz_multi");
  const res = await runCli([
    "run",
    "--seconds",
    "60",
    "--securities",
    "A:100,B:200",
    "--quiet",
    "--output",
    `${multi}/r`,
  ]);
  assert.equal(res.code, 0, res.stderr);
  const bases = [`${base}/r`, `${multi}/r`];
  for (let i = 0; i < MANIFESTS; i++) {
    const from = bases[i % 2];
    const dir = tempDir("fuzzm");
    new Deno.Command("cp", { args: ["-r", `${from}/.`, dir] }).outputSync();
    const text = Deno.readTextFileSync(`${from}/manifest.json`);
    const mutated = i % 5 === 4
      ? text.slice(0, pick(text.length)) // cut short
      : JSON.stringify(mutateJson(JSON.parse(text)));
    Deno.writeTextFileSync(`${dir}/manifest.json`, mutated);
    noCrash(await info(dir), `manifest ${i}: ${mutated.slice(0, 200)}`);
  }
});

const COMMAND_FILES = 40;

/** What a command leaves: its output files' bytes by name (calibrate: the curves file). */
function outputOf(dir: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const e of Deno.readDirSync(dir)) out.set(e.name, Deno.readFileSync(`${dir}/${e.name}`));
  return out;
}

function sameOutput(a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): boolean {
  return a.size === b.size &&
    [...a].every(([name, bytes]) => b.has(name) && same(bytes, b.get(name)!));
}

const READERS: [string, (file: string, out: string) => string[]][] = [
  ["export", (file, out) => ["export", file, "--format", "csv", "--output", out, "--quiet"]],
  ["itch", (file, out) => ["itch", file, "--output", out, "--quiet"]],
  ["calibrate", (file, out) => ["calibrate", file, "--output", `${out}/c.json`]],
];

for (const [name, args] of READERS) {
  Deno.test(`${name} on ${COMMAND_FILES} mutated files: exit 0 only with the clean file's output`, async () => {
    const run = (file: string) => {
      const out = tempDir(`fuzz_${name}_out`);
      return runCli(args(file, out)).then((res) => ({ res, out }));
    };
    const clean = await run(`${base}/r/2026-01-02.qrsdp`);
    assert.equal(clean.res.code, 0, clean.res.stderr);
    const expected = outputOf(clean.out);
    let zero = 0;
    for (let i = 0; i < COMMAND_FILES; i++) {
      const dir = tempDir(`fuzz_${name}`);
      Deno.writeFileSync(`${dir}/2026-01-02.qrsdp`, mutate(ORIGINAL));
      const { res, out } = await run(`${dir}/2026-01-02.qrsdp`);
      // Warnings may come before (a damaged file's mispriced executions, say); an error is one line.
      assert.ok([0, 1, 2].includes(res.code), `${name} ${i}: exit ${res.code}: ${res.stderr}`);
      assert.doesNotMatch(res.stderr, /\n\s+at |Uncaught|TypeError|RangeError/, `${name} ${i}`);
      const got = outputOf(out);
      if (res.code === 0) {
        zero++;
        assert.ok(
          sameOutput(got, expected),
          `${name} ${i}: exit 0 with an output unlike the clean file's`,
        );
      }
      if (res.code === 2) {
        assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
        assert.equal(got.size, 0, `${name} ${i}: exit 2 left ${[...got.keys()]}`);
      }
      Deno.removeSync(dir, { recursive: true });
      Deno.removeSync(out, { recursive: true });
    }
    assert.ok(zero < COMMAND_FILES, "every mutated file read as sound");
  });
}
