/**
 * The progress line of `qrsdp run`, on a pseudo-terminal of 80 columns (util-linux `script`):
 * on stderr only when it is a terminal, redrawn in place, never wider than the terminal.
 */
import assert from "node:assert/strict";
import { ROOT, runCli, tempDir } from "./helpers.ts";

/** Runs `qrsdp ARGS` with stdout to /dev/null and stderr on an 80-column terminal. */
async function onTerminal(args: string[], columns = 80): Promise<string> {
  const dir = tempDir("progress");
  const transcript = `${dir}/typescript`;
  const command =
    `stty cols ${columns} rows 24; exec '${Deno.execPath()}' run -A '${ROOT}/main.ts' ` +
    `${args.map((a) => `'${a}'`).join(" ")} > /dev/null`;
  const out = await new Deno.Command("script", {
    args: ["-q", "-e", "-c", command, transcript],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const text = Deno.readTextFileSync(transcript);
  Deno.removeSync(dir, { recursive: true });
  // What the program wrote, without the lines `script` adds around it.
  // Deno clears its own download progress on a terminal at start: not ours.
  return text.replace(/^Script started .*\n/, "").replace(/\n?Script done .*\n$/, "").replaceAll(
    "\x1b[0G\x1b[2K\x1b[J",
    "",
  );
}

/** The lines drawn: each redraw starts with carriage return and clear-line. */
function drawn(text: string): string[] {
  return text.split("\r\x1b[K").slice(1).filter((l) => l !== "");
}

const paced = (dir: string) => [
  "run",
  "--securities",
  "AAPL:10000,MSFT:15000,GOOG:20000,AMZN:5000",
  "--days",
  "3",
  "--rate",
  "40000",
  "--max-events",
  "60000",
  "--output",
  dir,
];

Deno.test("progress: one line on an 80-column terminal, redrawn in place, never wrapping", async () => {
  const dir = tempDir("progress_run");
  const text = await onTerminal(paced(dir));
  const lines = drawn(text);
  assert.ok(lines.length >= 3, JSON.stringify(text));
  for (const line of lines) {
    assert.ok(line.length < 80, `${line.length} columns: ${JSON.stringify(line)}`);
    assert.ok(!line.includes("\n"), JSON.stringify(line));
    assert.match(
      line,
      /^AAPL,MSFT,GOOG,AMZN day 1\/3 09:3\d:\d\d(?: \| ETA [\d:]+s?)? \| [\d.]+k? ev\/s \| [\d.]+k? events$/,
    );
  }
  assert.ok(lines.some((l) => / \| ETA /.test(l)), JSON.stringify(lines));
  // Cleared at the end: the terminal is left on an empty line.
  assert.ok(text.endsWith("\r\x1b[K"), JSON.stringify(text.slice(-40)));
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("progress: a narrow terminal gets a shorter line, never a wrapped one", async () => {
  const dir = tempDir("progress_narrow");
  const lines = drawn(await onTerminal(paced(dir), 30));
  assert.ok(lines.length >= 3);
  for (const line of lines) assert.ok(line.length < 30, JSON.stringify(line));
  assert.match(lines[lines.length - 1], /^4 securities day 1\/3 09:3\d:\d\d/);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("progress: --quiet hides it; stderr that is not a terminal never gets it", async () => {
  const dir = tempDir("progress_quiet");
  assert.equal(drawn(await onTerminal([...paced(dir), "--quiet"])).length, 0);
  const r = await runCli([...paced(dir), "--force"]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stderr.includes("\x1b"), JSON.stringify(r.stderr));
  assert.ok(!r.stderr.includes("\r"), JSON.stringify(r.stderr));
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("progress: in realtime mode the simulated clock moves between redraws", async () => {
  const dir = tempDir("progress_realtime");
  const lines = drawn(
    await onTerminal(["run", "--seconds", "600", "--realtime", "--speed", "200", "--output", dir]),
  );
  const clocks = lines.map((l) => /day 1\/1 (\d\d:\d\d:\d\d)/.exec(l)?.[1]).filter(Boolean);
  assert.ok(clocks.length >= 4, JSON.stringify(lines));
  assert.ok(new Set(clocks).size >= 3, JSON.stringify(clocks));
  assert.ok(lines.some((l) => /\| ETA \d+s \|/.test(l)), JSON.stringify(lines));
  Deno.removeSync(dir, { recursive: true });
});
