import assert from "node:assert/strict";
import { claimOutputDir } from "./output_dir.ts";
import type { EntryKind } from "./output_dir.ts";
import { names, withDir } from "./test_dirs.ts";

function claim(dir: string, force = false): string[] {
  const notes: string[] = [];
  claimOutputDir(dir, {
    flag: "--output",
    force,
    kind: (name): EntryKind =>
      name.endsWith(".csv") ? "ours" : name.endsWith(".tmp") ? "unfinished" : "foreign",
    note: (line) => notes.push(line),
  });
  return notes;
}

Deno.test("a new directory is made; an empty one is taken as it is", () =>
  withDir((dir) => {
    assert.deepEqual(claim(`${dir}/a/b`), []);
    assert.deepEqual(names(`${dir}/a`), ["b"]);
  }));

Deno.test("a previous finished output is replaced, with a note", () =>
  withDir((dir) => {
    Deno.writeTextFileSync(`${dir}/x.csv`, "old");
    const notes = claim(dir);
    assert.equal(notes.length, 1);
    assert.match(notes[0], /replaced the previous output \(1 files\)/);
    assert.deepEqual(names(dir), []);
  }));

Deno.test("an unfinished output needs --force; a foreign file or a link is never touched", () =>
  withDir((dir) => {
    Deno.writeTextFileSync(`${dir}/.x.csv.1.tmp`, "");
    assert.throws(() => claim(dir), /unfinished output .*--force/);
    assert.deepEqual(names(dir), [".x.csv.1.tmp"]);
    claim(dir, true);
    assert.deepEqual(names(dir), []);
    Deno.writeTextFileSync(`${dir}/NOTES.txt`, "mine");
    Deno.writeTextFileSync(`${dir}/y.csv`, "old");
    assert.throws(() => claim(dir, true), /NOTES\.txt, which is not an output of this command/);
    assert.deepEqual(names(dir), ["NOTES.txt", "y.csv"]);
    Deno.removeSync(`${dir}/NOTES.txt`);
    Deno.symlinkSync("/etc/hostname", `${dir}/z.csv`);
    assert.throws(() => claim(dir, true), /z\.csv, which is not/);
  }));
