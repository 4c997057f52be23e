/**
 * Every command that reads logs reads them one way (checksums, containment, damage), and every
 * command that writes files writes them one way (checked path, temporary name, nothing under a
 * final name on failure, nothing replaced that is not ours): `export`, `itch`, `calibrate`.
 */
import assert from "node:assert/strict";
import { runCli, tempDir as makeTempDir } from "./helpers.ts";

const made: string[] = [];
/** A temporary directory, removed when the tests end. */
function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  made.push(dir);
  return dir;
}
globalThis.addEventListener("unload", () => {
  for (const dir of made) Deno.removeSync(dir, { recursive: true });
});

const RUN = `${tempDir("io_base")}/run`;
{
  const res = await runCli([
    "run",
    "--seconds",
    "120",
    "--chunk-size",
    "500",
    "--quiet",
    "--output",
    RUN,
  ]);
  assert.equal(res.code, 0, res.stderr);
}
const FILE = "2026-01-02.qrsdp";
const ORIGINAL = Deno.readFileSync(`${RUN}/${FILE}`);
const MANIFEST = Deno.readTextFileSync(`${RUN}/manifest.json`);

/** Byte offsets of the chunks (walking their headers from byte 64). */
function chunkOffsets(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const out: number[] = [];
  const count = view.getUint32(bytes.length - 16, true); // the index tail's entry count
  for (let at = 64; out.length < count; at += 32 + view.getUint32(at + 4, true)) out.push(at);
  return out;
}
const CHUNKS = chunkOffsets(ORIGINAL);

/** A copy of the run whose session file is `bytes`. */
function runWith(bytes: Uint8Array, manifest = MANIFEST): string {
  const dir = `${tempDir("io_run")}/run`;
  Deno.mkdirSync(dir);
  Deno.writeFileSync(`${dir}/${FILE}`, bytes);
  Deno.writeTextFileSync(`${dir}/manifest.json`, manifest);
  return dir;
}

/** Every entry under `dir`, hidden ones included, relative, sorted; [] when there is no `dir`. */
function entries(dir: string, sub = ""): string[] {
  let list: Deno.DirEntry[];
  try {
    list = [...Deno.readDirSync(`${dir}/${sub}`)];
  } catch {
    return [];
  }
  return list.flatMap((e) => {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    return e.isDirectory ? [rel, ...entries(dir, rel)] : [rel];
  }).sort();
}

function oneLine(res: { code: number; stderr: string }, code: number, message: RegExp): void {
  assert.equal(res.code, code, res.stderr);
  assert.match(res.stderr, message);
  assert.doesNotMatch(res.stderr, /\n\s+at /);
}

/** The three commands, each writing into `out` (calibrate: a file in it). */
const COMMANDS: [string, (input: string, out: string) => string[]][] = [
  ["export", (input, out) => ["export", input, "--format", "csv", "--output", out]],
  ["itch", (input, out) => ["itch", input, "--output", out]],
  ["calibrate", (input, out) => ["calibrate", input, "--output", `${out}/curves.json`]],
];

const flipped = (at: number) => {
  const bytes = ORIGINAL.slice();
  bytes[at] ^= 0x10;
  return bytes;
};

Deno.test("a byte flipped in chunk 1: export, itch and calibrate name it and exit 1", async () => {
  // Before: all three exited 0, and export wrote a wrong order_id.
  // The last byte of chunk 1 is a literal (LZ4 ends every block with literals): the high byte of
  // its last order_id, so without checksums the chunk still reads, with a wrong order_id.
  const bad = runWith(flipped(CHUNKS[2] - 1));
  const clean = tempDir("io_clean");
  const ok = await runCli(["export", RUN, "--format", "csv", "--output", clean]);
  assert.equal(ok.code, 0, ok.stderr);
  const cleanLines = Deno.readTextFileSync(`${clean}/DEFAULT_2026-01-02.csv`).split("\n");
  for (const [name, args] of COMMANDS) {
    const out = `${tempDir("io_flip")}/out`;
    const res = await runCli(args(bad, out));
    oneLine(res, 1, new RegExp(`${FILE}: byte ${CHUNKS[1]}: chunk 1: fails its checksum`));
    if (name === "export") {
      const lines = Deno.readTextFileSync(`${out}/DEFAULT_2026-01-02.csv`).split("\n");
      // The header and chunk 0's 500 events, exactly as from the clean file.
      assert.deepEqual(lines.slice(0, -1), cleanLines.slice(0, 501));
    }
  }
  const unverified = await runCli([
    "export",
    bad,
    "--format",
    "csv",
    "--output",
    `${tempDir("io_nv")}/out`,
    "--no-verify",
  ]);
  assert.equal(unverified.code, 0, "--no-verify skips the checksums");
});

Deno.test("a manifest path out of the run, or a session file linking out, is refused by all three", async () => {
  const other = tempDir("io_other");
  Deno.writeFileSync(`${other}/${FILE}`, ORIGINAL);
  const up = runWith(
    ORIGINAL,
    MANIFEST.replace(`"file": "${FILE}"`, `"file": "../../${other.split("/").pop()}/${FILE}"`),
  );
  const link = runWith(ORIGINAL);
  Deno.removeSync(`${link}/${FILE}`);
  Deno.symlinkSync(`${other}/${FILE}`, `${link}/${FILE}`);
  for (const [name, args] of COMMANDS) {
    for (
      const [run, why] of [[up, /is outside the run directory/], [
        link,
        /leads outside the run directory/,
      ]] as const
    ) {
      const out = `${tempDir("io_out")}/out`;
      oneLine(await runCli(args(run, out)), 2, why);
      assert.deepEqual(entries(out), [], name);
    }
  }
});

Deno.test("itch and calibrate on a header alone, half a file, a cut index, a file never closed: exit 1", async () => {
  // Before: both exited 0 and wrote a complete-looking result.
  const cases: [string, Uint8Array][] = [
    ["a header alone", ORIGINAL.subarray(0, 64)],
    ["half a file", ORIGINAL.subarray(0, ORIGINAL.length >> 1)],
    ["the index cut", ORIGINAL.subarray(0, ORIGINAL.length - 20)],
    [
      "never closed (no index)",
      ORIGINAL.subarray(
        0,
        CHUNKS.at(-1)! + 32 + new DataView(ORIGINAL.buffer).getUint32(CHUNKS.at(-1)! + 4, true),
      ),
    ],
  ];
  for (const [what, bytes] of cases) {
    const run = runWith(bytes);
    for (const [name, args] of COMMANDS.slice(1)) {
      const out = `${tempDir("io_dmg")}/out`;
      const res = await runCli(args(run, out));
      assert.equal(res.code, 1, `${name} on ${what}: ${res.stderr}`);
      assert.match(res.stderr, new RegExp(`${FILE}: byte \\d+: `), `${name} on ${what}`);
    }
  }
});

Deno.test("calibrate with no sound chunk writes nothing and fails; a file given twice is refused", async () => {
  // Before: an all-zero curves file, exit 0, which `run --hlr-curves` turned into 0 events.
  const run = runWith(flipped(CHUNKS[0] + 100));
  const out = tempDir("io_cal0");
  const res = await runCli(["calibrate", run, "--output", `${out}/c.json`]);
  oneLine(
    res,
    1,
    /no sound chunk in 1 file \(.*2026-01-02\.qrsdp: byte 64: chunk 0: fails its checksum .*\): nothing to estimate/,
  );
  assert.deepEqual(entries(out), []);
  // Before: the same events counted twice.
  for (const twice of [[RUN, RUN], [RUN, `${RUN}/${FILE}`]]) {
    const again = await runCli(["calibrate", ...twice, "--output", `${out}/c.json`]);
    oneLine(again, 2, /given twice/);
    assert.deepEqual(entries(out), []);
  }
});

Deno.test("an output path that is empty, the root, '-' or inside the input run: exit 2, nothing written", async () => {
  // Before: export --output "" and --output / wrote into /; calibrate --output "" exited 1.
  const top = () => [...Deno.readDirSync("/")].map((e) => e.name).sort();
  const before = top();
  for (const [name, args] of COMMANDS) {
    const cases: [string, RegExp][] = [
      ["", /--output: the path is empty/],
      ["/", /--output: '\/' is the filesystem root/],
      [`${RUN}/sub`, /is inside the input run directory/],
      [RUN, /is inside the input run directory/],
    ];
    if (name !== "calibrate") cases.push(["-", /'-' \(standard output\) is not an output/]);
    for (const [path, why] of cases) {
      const argv = args(RUN, "x").map((a) => a === "x" ? path : a === "x/curves.json" ? path : a);
      oneLine(await runCli(argv), 2, why);
    }
  }
  assert.deepEqual(top(), before);
  assert.deepEqual(entries(RUN), [FILE, "manifest.json"]);
});

Deno.test("calibrate --output on a device, a FIFO or a symbolic link: refused, never replaced", async () => {
  // Before: /dev/full (as root) was replaced with a regular file; FIFOs and links too.
  const dir = tempDir("io_dev");
  new Deno.Command("mkfifo", { args: [`${dir}/fifo`] }).outputSync();
  Deno.writeTextFileSync(`${dir}/target`, "keep");
  Deno.symlinkSync(`${dir}/target`, `${dir}/link`);
  for (
    const [path, kind] of [["/dev/full", "a character device"], [`${dir}/fifo`, "a FIFO"], [
      `${dir}/link`,
      "a symbolic link",
    ]]
  ) {
    oneLine(
      await runCli(["calibrate", RUN, "--output", path]),
      2,
      new RegExp(`--output: ${path} is ${kind}`),
    );
  }
  assert.ok(Deno.statSync("/dev/full").isCharDevice);
  assert.ok(Deno.lstatSync(`${dir}/fifo`).isFifo);
  assert.ok(Deno.lstatSync(`${dir}/link`).isSymlink);
  assert.equal(Deno.readTextFileSync(`${dir}/target`), "keep");
});

Deno.test("export and itch never write through a link planted in --output, nor over foreign files", async () => {
  // Before: export wrote through a symbolic link named like its output file.
  for (const [name, args] of COMMANDS.slice(0, 2)) {
    const out = tempDir(`io_link_${name}`);
    const target = `${tempDir("io_target")}/victim`;
    Deno.writeTextFileSync(target, "keep");
    const planted = name === "export" ? "DEFAULT_2026-01-02.csv" : "20260102.qrsdp_ITCH50";
    Deno.symlinkSync(target, `${out}/${planted}`);
    oneLine(
      await runCli(args(RUN, out)),
      2,
      new RegExp(`${planted}, which is not an output of this command`),
    );
    assert.equal(Deno.readTextFileSync(target), "keep");
    assert.deepEqual(entries(out), [planted]);
    Deno.removeSync(`${out}/${planted}`);
    Deno.writeTextFileSync(`${out}/NOTES.txt`, "mine");
    oneLine(await runCli(args(RUN, out)), 2, /NOTES\.txt, which is not an output/);
    assert.deepEqual(entries(out), ["NOTES.txt"]);
  }
});

Deno.test("export and itch replace their own finished output with a note; an unfinished one needs --force", async () => {
  for (const [name, args] of COMMANDS.slice(0, 2)) {
    const out = tempDir(`io_again_${name}`);
    const first = await runCli(args(RUN, out));
    assert.equal(first.code, 0, first.stderr);
    const files = entries(out);
    const again = await runCli(args(RUN, out));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /replaced the previous output \(1 files\)/);
    assert.deepEqual(entries(out), files);
    const leftover = `.${files[0]}.99999.tmp`;
    Deno.writeTextFileSync(`${out}/${leftover}`, "");
    oneLine(await runCli(args(RUN, out)), 2, /unfinished output .*--force/);
    const forced = await runCli([...args(RUN, out), "--force"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual(entries(out), files);
  }
});

Deno.test("export failing mid-way leaves no file under a final name (malformed LZ4, --theta-reinit)", async () => {
  // Before: a malformed LZ4 block (exit 2) left a header-only CSV; a LOBSTER export of one
  // --theta-reinit file (exit 2) left 32-line files under the final names.
  const bad = ORIGINAL.slice();
  bad.fill(0xff, CHUNKS[0] + 32, CHUNKS[0] + 64);
  const lz4 = runWith(bad);
  const out = `${tempDir("io_lz4")}/out`;
  const res = await runCli(["export", lz4, "--format", "csv", "--output", out, "--no-verify"]);
  oneLine(res, 1, new RegExp(`${FILE}: byte \\d+: chunk 0.*\\(not exported\\)`));
  assert.deepEqual(entries(out), []);

  const reinit = `${tempDir("io_reinit")}/run`;
  const generated = await runCli([
    "run",
    "--seconds",
    "600",
    "--theta-reinit",
    "0.5",
    "--quiet",
    "--output",
    reinit,
  ]);
  assert.equal(generated.code, 0, generated.stderr);
  const lob = `${tempDir("io_lob")}/out`;
  const alone = await runCli([
    "export",
    `${reinit}/${FILE}`,
    "--format",
    "lobster",
    "--output",
    lob,
  ]);
  oneLine(alone, 2, /executes at \d+ but the rebuilt book's best/);
  assert.deepEqual(entries(lob), []);
});

Deno.test("export on a full disk: one line naming the file, exit 1, nothing under a final name", async () => {
  // Before: 'No space left on device (os error 28)' naming no file, and CSV left in place.
  const tiny = `${tempDir("io_tiny")}/disk`;
  Deno.mkdirSync(tiny);
  const mount = new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", tiny],
  })
    .outputSync();
  assert.equal(mount.code, 0, new TextDecoder().decode(mount.stderr));
  try {
    for (const format of ["csv", "parquet", "lobster"]) {
      const out = `${tiny}/${format}`;
      const res = await runCli(["export", RUN, "--format", format, "--output", out]);
      oneLine(
        res,
        1,
        new RegExp(
          `^qrsdp export: ${out}/DEFAULT_2026-01-02[^:]*: write failed at byte \\d+ \\(No space left on device`,
        ),
      );
      assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
      assert.deepEqual(entries(out), [], format);
    }
  } finally {
    new Deno.Command("umount", { args: [tiny] }).outputSync();
  }
});
