/**
 * Issue 9, item 6: a run on a full disk or past the file size limit ends with one clear line
 * naming the file, exit 1, and a manifest that lists every file on disk. Needs root, for mount.
 */
import assert from "node:assert/strict";
import { QrsdpReader } from "../src/format/reader.ts";
import { verifyFile } from "../src/format/verify.ts";
import { qrsdpFiles, ROOT, runCli, tempDir } from "./helpers.ts";

/** Runs `fn` with a tmpfs of `size` mounted at `dir` (made if needed), unmounted after. */
async function withTinyDisk(dir: string, size: string, fn: () => Promise<void>): Promise<void> {
  Deno.mkdirSync(dir, { recursive: true });
  const mount = new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir],
  })
    .outputSync();
  assert.equal(mount.code, 0, `mount: ${new TextDecoder().decode(mount.stderr)}`);
  try {
    await fn();
  } finally {
    new Deno.Command("umount", { args: [dir] }).outputSync();
  }
}

/** Every `.qrsdp` file on disk is in the manifest, and nothing the manifest lists is missing. */
function manifestMatchesDisk(dir: string): void {
  const m = JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`));
  const listed = (m.securities ?? [m]).flatMap((s: { sessions: { file: string }[] }) =>
    s.sessions.map((x) => x.file)
  ).sort();
  assert.deepEqual(listed, qrsdpFiles(dir));
  assert.throws(() => Deno.statSync(`${dir}/.manifest.json.tmp`), "no temporary file is left");
}

Deno.test("a full disk: one line naming the file, exit 1, a manifest of what is on disk", async () => {
  const tiny = `${tempDir("tiny")}/tiny`;
  await withTinyDisk(tiny, "2m", async () => {
    const out = `${tiny}/r`;
    const res = await runCli(["run", "--seconds", "3000", "--days", "3", "--output", out]);
    assert.equal(res.code, 1, res.stderr);
    assert.match(
      res.stderr,
      new RegExp(
        `^qrsdp run: ${out}/2026-01-02\\.qrsdp: write failed at byte \\d+ \\(No space left on device \\(os error 28\\)\\)\\n$`,
      ),
    );
    assert.doesNotMatch(res.stderr, /\n\s+at /);
    manifestMatchesDisk(out);
    const m = JSON.parse(Deno.readTextFileSync(`${out}/manifest.json`));
    assert.equal(m.sessions[0].in_progress, true, "the file cut short is marked");
    // What reached the disk reads back, up to its last whole chunk.
    assert.ok(QrsdpReader.open(`${out}/2026-01-02.qrsdp`).chunks.length > 0);
  });
});

Deno.test("a file size limit (ulimit -f): one line naming the file, exit 1, a manifest", async () => {
  const out = `${tempDir("fsize")}/r`;
  // Deno writes its caches (transpiled modules, V8's code cache) as it loads the program, and
  // under the limit a cache file of a few MB would kill the child before the program runs: a
  // first run without the limit fills them, and the limited one leaves V8's off. The compiled
  // program writes neither.
  const warm = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/main.ts`, "run", "--seconds", "60", "--days", "3"]
      .concat(["--output", `${tempDir("fsize_warm")}/r`, "--quiet"]),
  }).output();
  assert.equal(warm.code, 0);
  const child = await new Deno.Command("bash", {
    args: [
      "-c",
      `ulimit -f 200; exec "$@"`,
      "bash",
      Deno.execPath(),
      "run",
      "-A",
      "--no-code-cache",
      `${ROOT}/main.ts`,
    ]
      .concat(["run", "--seconds", "3000", "--days", "3", "--output", out]),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(child.stderr);
  assert.equal(child.code, 1, `${child.signal ?? ""} ${stderr}`);
  assert.match(
    stderr,
    new RegExp(
      `^qrsdp run: ${out}/2026-01-02\\.qrsdp: write failed at byte \\d+ \\(the file size limit, ulimit -f, is 204800 bytes\\)\\n$`,
    ),
  );
  manifestMatchesDisk(out);
});

Deno.test("one file that cannot be written: the other securities complete", async () => {
  for (const securities of [[], ["--securities", "AA:100,BB:200"]]) {
    const out = tempDir("onefull");
    const full = securities.length ? `${out}/BB` : out;
    await withTinyDisk(full, "16k", async () => {
      const broken = `${full}/2026-01-02.qrsdp`;
      const res = await runCli(["run", "--seconds", "3000", ...securities, "--output", out]);
      assert.equal(res.code, 1, res.stderr);
      assert.match(
        res.stderr,
        new RegExp(`^qrsdp run: ${broken}: write failed at byte \\d+ \\(No space left on device`),
      );
      assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
      assert.match(res.stdout, /^total: /m);
      if (securities.length) {
        const reader = QrsdpReader.open(`${out}/AA/2026-01-02.qrsdp`);
        assert.ok(reader.indexed);
        assert.deepEqual(verifyFile(reader.stream()).problems, []);
        manifestMatchesDisk(out);
      }
    });
  }
});
