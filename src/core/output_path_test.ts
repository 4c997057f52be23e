import assert from "node:assert/strict";
import { checkOutputPath, pathInside } from "./output_path.ts";

Deno.test("empty, control characters, the root and '-' are refused, naming the flag", () => {
  for (
    const [path, why] of [
      ["", /--output: the path is empty/],
      ["  ", /the path is empty/],
      ["a\x1bb", /holds control characters/],
      ["/", /filesystem root/],
      ["/tmp/../", /filesystem root/],
      ["-", /--output: '-' \(standard output\) is not an output of this command/],
    ] as const
  ) {
    assert.throws(() => checkOutputPath(path, "--output"), why, JSON.stringify(path));
  }
  checkOutputPath("-", "--output", { stdout: true });
  checkOutputPath("out/x", "--output");
});

Deno.test("an output inside an input run directory is refused, through links too", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.mkdirSync(`${dir}/run`);
    Deno.symlinkSync(`${dir}/run`, `${dir}/alias`);
    const inputs = [`${dir}/run`];
    assert.throws(() => checkOutputPath(`${dir}/run`, "--output", { inputs }), /inside the input/);
    assert.throws(() => checkOutputPath(`${dir}/run/x/y`, "--output", { inputs }), /inside/);
    assert.throws(() => checkOutputPath(`${dir}/alias/new`, "--output", { inputs }), /inside/);
    checkOutputPath(`${dir}/run2`, "--output", { inputs });
    checkOutputPath(`${dir}/runs/x`, "--output", { inputs });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a name inside a folder given with trailing slashes has one slash before it", () => {
  assert.equal(pathInside("out", "a.csv"), "out/a.csv");
  assert.equal(pathInside("out//", "a.csv"), "out/a.csv");
  assert.equal(pathInside("/tmp/x/", "y/z"), "/tmp/x/y/z");
});
