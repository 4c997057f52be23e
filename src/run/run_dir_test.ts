import assert from "node:assert/strict";
import { replacePreviousOutput } from "../core/output_dir.ts";
import { LOCK_FILE, openRunDir, removeRunDir, runHolder } from "./run_dir.ts";

Deno.test("openRunDir refuses empty, root and control-character paths", () => {
  assert.throws(() => openRunDir("", false), /--output: the path is empty/);
  assert.throws(() => openRunDir("  ", false), /--output: the path is empty/);
  assert.throws(() => openRunDir("/", false), /is the filesystem root/);
  assert.throws(() => openRunDir("/tmp/../", false), /is the filesystem root/);
  assert.throws(() => openRunDir("a\x1bb", false), /holds control characters/);
});

Deno.test("one run at a time holds a directory; the lock goes with the run", () => {
  const dir = `${Deno.makeTempDirSync()}/run`;
  const first = openRunDir(dir, false);
  assert.throws(
    () => openRunDir(dir, true),
    new RegExp(`${dir} is in use by another run \\(process ${Deno.pid}\\)`),
  );
  first.release();
  assert.throws(() => Deno.statSync(`${dir}/${LOCK_FILE}`));
  openRunDir(dir, false).release();
  Deno.removeSync(dir.slice(0, dir.lastIndexOf("/")), { recursive: true });
});

/** A previous run's manifest, listing `files` (relative to the run directory). */
function manifest(dir: string, files: string[], producer = "qrsdp"): void {
  const sessions = files.map((file, i) => ({ date: `2026-01-0${i + 2}`, seed: i, file }));
  Deno.writeTextFileSync(`${dir}/manifest.json`, JSON.stringify({ producer, sessions }));
}

Deno.test("a previous run of ours is replaced, and said so; what it does not list is refused", () => {
  const dir = Deno.makeTempDirSync();
  Deno.mkdirSync(`${dir}/AA`);
  Deno.mkdirSync(`${dir}/BB`);
  Deno.writeTextFileSync(`${dir}/AA/2026-01-02.qrsdp`, "x");
  manifest(dir, ["AA/2026-01-02.qrsdp", "AA/2026-01-05.qrsdp"]);
  const again = openRunDir(dir, false);
  assert.equal(again.replaced, `replacing the previous run in ${dir} (2 files)`);
  again.release();
  // The run's folder goes with its files; an empty folder it did not fill stays.
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["BB"]);
  const empty = openRunDir(dir, false);
  assert.equal(empty.replaced, null);
  empty.release();

  Deno.writeTextFileSync(`${dir}/2026-01-02.qrsdp`, "x");
  Deno.writeTextFileSync(`${dir}/2026-01-05.qrsdp`, "x");
  manifest(dir, ["2026-01-02.qrsdp"]);
  assert.throws(
    () => openRunDir(dir, false),
    /holds 2026-01-05.qrsdp, which its manifest does not list; give a new directory, or --force/,
  );
  manifest(dir, ["2026-01-02.qrsdp", "2026-01-05.qrsdp"], "someone else");
  assert.throws(() => openRunDir(dir, false), /no manifest of a qrsdp run lists it/);
  Deno.writeTextFileSync(`${dir}/manifest.json`, "{ not json");
  assert.throws(() => openRunDir(dir, false), /no manifest of a qrsdp run lists it/);
  const forced = openRunDir(dir, true);
  assert.equal(forced.replaced, `replacing the previous run in ${dir} (3 files)`);
  forced.release();
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("foreign files are refused, --force or not", () => {
  const dir = Deno.makeTempDirSync();
  manifest(dir, ["2026-01-02.qrsdp"]);
  Deno.writeTextFileSync(`${dir}/2026-01-02.qrsdp`, "x");
  Deno.writeTextFileSync(`${dir}/notes.txt`, "mine");
  for (const force of [false, true]) {
    assert.throws(
      () => openRunDir(dir, force),
      /--output: .* holds notes.txt, which is not a file of a qrsdp run; give a new directory$/,
    );
  }
  assert.equal(Deno.readTextFileSync(`${dir}/notes.txt`), "mine");
  Deno.removeSync(`${dir}/notes.txt`);
  Deno.mkdirSync(`${dir}/AA/deeper`, { recursive: true });
  assert.throws(() => openRunDir(dir, true), /holds AA\/deeper, which is not a file/);
  Deno.removeSync(`${dir}/AA`, { recursive: true });
  Deno.symlinkSync(`${dir}/2026-01-02.qrsdp`, `${dir}/2026-01-05.qrsdp`);
  manifest(dir, ["2026-01-02.qrsdp", "2026-01-05.qrsdp"]);
  assert.throws(() => openRunDir(dir, true), /holds 2026-01-05.qrsdp, /);
  Deno.removeSync(`${dir}/2026-01-05.qrsdp`);
  Deno.removeSync(`${dir}/manifest.json`);
  Deno.mkdirSync(`${dir}/manifest.json`);
  assert.throws(() => openRunDir(dir, true), /holds manifest.json, which is not a file/);
  // Nothing was removed by a refusal.
  assert.ok(Deno.statSync(`${dir}/2026-01-02.qrsdp`).isFile);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("replacePreviousOutput: another command's rule, with files kept aside", () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(`${dir}/AAPL_2026-01-02.csv`, "x");
  Deno.writeTextFileSync(`${dir}/keep.lock`, "");
  const ours = (rel: string) => /^[A-Z]+_\d{4}-\d{2}-\d{2}\.csv$/.test(rel);
  const refusal = (rel: string) => `${dir} holds ${rel}`;
  assert.deepEqual(
    replacePreviousOutput(dir, "--output", ours, refusal, (n) => n === "keep.lock"),
    { files: 1 },
  );
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["keep.lock"]);
  assert.throws(
    () => replacePreviousOutput(dir, "--output", ours, refusal),
    new RegExp(`^UsageError: --output: ${dir} holds keep.lock$`),
  );
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("runHolder: the process a run names in its lock while it holds it, else null", () => {
  const dir = Deno.makeTempDirSync();
  assert.equal(runHolder(dir), null);
  const run = openRunDir(`${dir}/r`, false);
  assert.equal(runHolder(`${dir}/r`), String(Deno.pid));
  run.release();
  assert.equal(runHolder(`${dir}/r`), null);
  // A lock file a killed run left behind, held by no one.
  Deno.writeTextFileSync(`${dir}/r/${LOCK_FILE}`, "12345\n");
  assert.equal(runHolder(`${dir}/r`), null);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("removeRunDir removes a run's files and directory only when it is free and all ours", () => {
  const root = Deno.makeTempDirSync();
  const dir = `${root}/run`;
  const refuse = (why: string) => new Error(why);
  const fill = () => {
    Deno.mkdirSync(`${dir}/AA`, { recursive: true });
    Deno.mkdirSync(`${dir}/EMPTY`, { recursive: true });
    Deno.writeTextFileSync(`${dir}/manifest.json`, "{}");
    Deno.writeTextFileSync(`${dir}/meta.json`, "{}");
    Deno.writeTextFileSync(`${dir}/AA/2026-01-02.qrsdp`, "x");
  };
  fill();
  const held = openRunDir(dir, true, "--output", ["meta.json"]);
  assert.throws(() => removeRunDir(dir, ["meta.json"], refuse, "it"), /^Error: it is in use/);
  held.release();
  for (const foreign of ["NOTES.txt", "sub/keep", "AA/keep"]) {
    fill();
    Deno.mkdirSync(`${dir}/${foreign}`.replace(/\/[^/]+$/, ""), { recursive: true });
    Deno.writeTextFileSync(`${dir}/${foreign}`, "mine");
    assert.throws(() => removeRunDir(dir, ["meta.json"], refuse, "it"), /not a run's file/);
    // Nothing was removed.
    assert.ok(Deno.statSync(`${dir}/AA/2026-01-02.qrsdp`).isFile);
    assert.ok(Deno.statSync(`${dir}/${foreign}`).isFile);
    Deno.removeSync(`${dir}/${foreign}`);
    if (foreign.startsWith("sub/")) Deno.removeSync(`${dir}/sub`);
  }
  removeRunDir(dir, ["meta.json"], refuse, "it");
  assert.deepEqual([...Deno.readDirSync(root)], []);
  Deno.removeSync(root);
});
