import assert from "node:assert/strict";
import { AtomicFile, writeFileAtomic } from "./atomic_file.ts";
import { UsageError } from "./errors.ts";
import { names, withDir } from "./test_dirs.ts";

Deno.test("an atomic file appears under its name only when committed", () =>
  withDir((dir) => {
    const out = AtomicFile.create(`${dir}/a.csv`);
    out.write(new TextEncoder().encode("x\n"));
    assert.deepEqual(names(dir), [`.a.csv.${Deno.pid}.tmp`]);
    out.commit();
    assert.deepEqual(names(dir), ["a.csv"]);
    assert.equal(Deno.readTextFileSync(`${dir}/a.csv`), "x\n");
  }));

Deno.test("an aborted file leaves nothing, and a regular file there is kept", () =>
  withDir((dir) => {
    Deno.writeTextFileSync(`${dir}/a.csv`, "old");
    const out = AtomicFile.create(`${dir}/a.csv`);
    out.write(new Uint8Array(10));
    out.abort();
    assert.deepEqual(names(dir), ["a.csv"]);
    assert.equal(Deno.readTextFileSync(`${dir}/a.csv`), "old");
  }));

Deno.test("a symbolic link, a FIFO or a directory is refused, never written through", () =>
  withDir((dir) => {
    Deno.writeTextFileSync(`${dir}/target`, "keep");
    Deno.symlinkSync(`${dir}/target`, `${dir}/link`);
    assert.throws(
      () => writeFileAtomic(`${dir}/link`, "x", "--output"),
      (e) => e instanceof UsageError && /--output: .*link is a symbolic link/.test(e.message),
    );
    assert.equal(Deno.readTextFileSync(`${dir}/target`), "keep");
    assert.ok(Deno.lstatSync(`${dir}/link`).isSymlink);
    new Deno.Command("mkfifo", { args: [`${dir}/fifo`] }).outputSync();
    assert.throws(() => writeFileAtomic(`${dir}/fifo`, "x"), /is a FIFO/);
    Deno.mkdirSync(`${dir}/d`);
    assert.throws(() => writeFileAtomic(`${dir}/d`, "x"), /is a directory/);
    assert.deepEqual(names(dir), ["d", "fifo", "link", "target"]);
  }));

Deno.test("a link planted at the final name while writing is refused at the rename", () =>
  withDir((dir) => {
    Deno.writeTextFileSync(`${dir}/target`, "keep");
    const out = AtomicFile.create(`${dir}/a.csv`);
    out.write(new Uint8Array(3));
    Deno.symlinkSync(`${dir}/target`, `${dir}/a.csv`);
    assert.throws(() => out.commit(), /a\.csv is a symbolic link/);
    assert.equal(Deno.readTextFileSync(`${dir}/target`), "keep");
    assert.deepEqual(names(dir), ["a.csv", "target"]);
  }));

Deno.test("a file that cannot be made names it", () =>
  withDir((dir) => {
    assert.throws(
      () => writeFileAtomic(`${dir}/no/such/a.csv`, "x"),
      /no\/such\/a\.csv: cannot create/,
    );
  }));
