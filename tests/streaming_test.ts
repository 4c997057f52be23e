import assert from "node:assert/strict";
import { QrsdpReader } from "../src/format/reader.ts";
import { verifyFile } from "../src/format/verify.ts";
import { LogReader } from "../src/format/log_reader.ts";
import { qrsdpFiles, readRecords, ROOT, runCli, spawnCli, tempDir } from "./helpers.ts";

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}

Deno.test("--realtime --speed 1000 paces a 100 s session into 0.1 s of wall time", async () => {
  const out = tempDir("pace");
  const t0 = performance.now();
  const res = await runCli([
    "run",
    "--realtime",
    "--speed",
    "1000",
    "--days",
    "1",
    "--seconds",
    "100",
    "--output",
    out,
  ]);
  const wall = (performance.now() - t0) / 1000;
  assert.equal(res.code, 0, res.stderr);
  const paced = Number(/, ([\d.]+) s paced at speed 1000/.exec(res.stdout)?.[1]);
  // Never early; how late a loaded machine makes it is the bench's pacing figure, not a test's.
  assert.ok(paced >= 0.1, `paced ${paced} s`);
  assert.ok(wall >= 0.1, `the process took ${wall} s`);
});

Deno.test("continuous mode stops on SIGTERM: exit 0, indexed files, a prefix of the batch run", async () => {
  const out = tempDir("cont"), batch = tempDir("batch");
  const flags = ["--seed", "21", "--seconds", "2000", "--securities", "X:5000,Y:7000"];
  const child = spawnCli([
    "run",
    ...flags,
    "--days",
    "0",
    "--realtime",
    "--speed",
    "1000",
    "--overnight-seconds",
    "0.2",
    "--output",
    out,
  ]);
  const stdout = readAll(child.stdout), stderr = readAll(child.stderr);
  await new Promise((r) => setTimeout(r, 3500));
  const signalled = performance.now();
  child.kill("SIGTERM");
  const status = await child.status;
  const stopSeconds = (performance.now() - signalled) / 1000;
  const err = await stderr;
  assert.equal(status.code, 0, err);
  assert.ok(stopSeconds < 2, `stopped in ${stopSeconds} s`);
  assert.match(err, /stopping/);
  assert.match(await stdout, /\(stopped early\)/);

  const files = qrsdpFiles(out);
  assert.ok(files.length >= 4, `${files.length} files: more than one day ran`);
  const manifest = JSON.parse(Deno.readTextFileSync(`${out}/manifest.json`));
  const listed = manifest.securities.flatMap((s: { sessions: { file: string }[] }) =>
    s.sessions.map((x) => x.file)
  ).sort();
  assert.deepEqual(listed, files);
  const days = Math.max(
    ...manifest.securities.map((s: { sessions: unknown[] }) => s.sessions.length),
  );

  const res = await runCli(["run", ...flags, "--days", String(days), "--output", batch, "--quiet"]);
  assert.equal(res.code, 0, res.stderr);
  for (const f of files) {
    const reader = QrsdpReader.open(`${out}/${f}`);
    assert.ok(reader.indexed, `${f} has its index`);
    assert.equal(reader.damage, null);
    const ours = readRecords(`${out}/${f}`), full = readRecords(`${batch}/${f}`);
    assert.ok(ours.length <= full.length);
    assert.deepEqual(ours, full.slice(0, ours.length), `${f} is a prefix of the batch run`);
  }
});

Deno.test("a second signal exits at once, even while the graceful stop is still busy", async () => {
  const dir = tempDir("sig");
  const script = `${dir}/slow_stop.ts`;
  Deno.writeTextFileSync(
    script,
    `import { onStopSignals } from "${ROOT}/src/cli/signals.ts";
onStopSignals(() => console.log("stopping"));
console.log("ready");
setInterval(() => {}, 1000); // a graceful stop that never finishes
`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("ready")) seen += (await reader.read()).value ?? "";
  child.kill("SIGTERM");
  while (!seen.includes("stopping")) seen += (await reader.read()).value ?? "";
  child.kill("SIGINT");
  const status = await child.status;
  // Cancelling the reader cancels the pipe and the child's stdout behind it; cancelling stdout
  // itself races with the pipe still holding its lock.
  await reader.cancel();
  assert.equal(status.code, 130);
});

Deno.test("a run killed outright (kill -9) leaves files that read up to their last chunk", async () => {
  const out = tempDir("kill9");
  const child = spawnCli(["run", "--days", "0", "--seconds", "23400", "--output", out]);
  void readAll(child.stdout);
  void readAll(child.stderr);
  await new Promise((r) => setTimeout(r, 1500));
  child.kill("SIGKILL");
  await child.status;
  const files = qrsdpFiles(out);
  assert.ok(files.length >= 1);
  let records = 0;
  for (const f of files) {
    const reader = LogReader.open(`${out}/${f}`);
    const check = verifyFile(reader);
    reader.close();
    records += check.records;
    for (const p of check.problems) {
      assert.match(p, /^byte \d+: (torn|no index: the file was not closed)/);
    }
  }
  assert.ok(records > 0, "complete chunks were recovered");
});
