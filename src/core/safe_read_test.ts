import assert from "node:assert/strict";
import { DataError } from "./errors.ts";
import { pathInside, readRegularFile } from "./safe_read.ts";

Deno.test("readRegularFile refuses devices, FIFOs and directories before opening them", () => {
  const dir = Deno.makeTempDirSync();
  const fifo = `${dir}/fifo`;
  new Deno.Command("mkfifo", { args: [fifo] }).outputSync();
  for (
    const [path, kind] of [["/dev/zero", "character device"], [fifo, "FIFO"], [dir, "directory"]]
  ) {
    assert.throws(() => readRegularFile(path, 1000), (e) => {
      assert.ok(e instanceof DataError);
      assert.equal(e.message, `${path}: not a regular file (a ${kind})`);
      return true;
    });
  }
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("readRegularFile refuses a file over the cap and reads one under it whole", () => {
  const path = Deno.makeTempFileSync();
  Deno.writeFileSync(path, new Uint8Array(100).fill(7));
  assert.deepEqual(readRegularFile(path, 100), new Uint8Array(100).fill(7));
  assert.throws(() => readRegularFile(path, 99), /100 bytes, more than the 99 read at most/);
  assert.throws(() => readRegularFile(`${path}.missing`, 99), /cannot read/);
  Deno.removeSync(path, { recursive: true });
});

Deno.test("pathInside keeps manifest paths inside the run directory", () => {
  const dir = Deno.makeTempDirSync();
  Deno.mkdirSync(`${dir}/A`);
  Deno.symlinkSync("/etc", `${dir}/A/link`);
  assert.equal(pathInside(dir, "A/2026-01-02.qrsdp", "m"), `${dir}/A/2026-01-02.qrsdp`);
  for (const bad of ["../x.qrsdp", "/etc/passwd", "A/../../x", "C:\\x", "A\\..\\..\\x"]) {
    assert.throws(() => pathInside(dir, bad, "m"), /outside the run directory/, bad);
  }
  assert.throws(() => pathInside(dir, "A/link/passwd", "m"), /leads outside the run directory/);
  for (const bad of [null, 3, {}, ""]) {
    assert.throws(() => pathInside(dir, bad, "m"), /not a file name/);
  }
  Deno.removeSync(dir, { recursive: true });
});
