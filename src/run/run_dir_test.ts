import assert from "node:assert/strict";
import { LOCK_FILE, openRunDir, removeRunDir } from "./run_dir.ts";

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

Deno.test("a previous run is kept unless --force, which removes only its files", () => {
  const dir = Deno.makeTempDirSync();
  Deno.mkdirSync(`${dir}/AA`);
  Deno.writeTextFileSync(`${dir}/manifest.json`, "{}");
  Deno.writeTextFileSync(`${dir}/AA/2026-01-02.qrsdp`, "x");
  assert.throws(
    () => openRunDir(dir, false),
    /is not empty \(2 entries\); give a new directory, or --force/,
  );
  openRunDir(dir, true).release();
  assert.deepEqual([...Deno.readDirSync(dir)], []);

  Deno.writeTextFileSync(`${dir}/notes.txt`, "mine");
  assert.throws(
    () => openRunDir(dir, true),
    /--force replaces only a previous run, and .*notes.txt is not one of its files/,
  );
  Deno.removeSync(`${dir}/notes.txt`);
  Deno.mkdirSync(`${dir}/manifest.json`);
  assert.throws(() => openRunDir(dir, true), /manifest.json is not one of its files/);
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
