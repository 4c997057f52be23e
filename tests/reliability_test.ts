/**
 * Issue 9: every way found to lose data, hang, crash or leak, one test (or more) per item, each
 * driving the CLI as a user would.
 */
import assert from "node:assert/strict";
import { QrsdpReader } from "../src/format/reader.ts";
import { fakeClickHouse } from "./fake_servers.ts";
import { KAFKA_TEST_BROKERS, requireBroker } from "./kafka/broker.ts";
import { procStatus, qrsdpFiles, ROOT, runCli, tempDir } from "./helpers.ts";
import type { CliResult } from "./helpers.ts";

/** A child process of the CLI, with its output collected as it comes. */
class Child {
  readonly process: Deno.ChildProcess;
  stdout = "";
  stderr = "";
  private readonly drained: Promise<void>;

  constructor(args: string[], opts: { env?: Record<string, string>; shell?: string } = {}) {
    const cli = [Deno.execPath(), "run", "-A", `${ROOT}/main.ts`, ...args];
    // A shell prefix (`ulimit -f 200`) applies to the CLI, which replaces the shell.
    this.process = new Deno.Command(opts.shell ? "bash" : cli[0], {
      args: opts.shell ? ["-c", `${opts.shell}; exec "$@"`, "bash", ...cli] : cli.slice(1),
      env: opts.env,
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    }).spawn();
    const pump = async (s: ReadableStream<Uint8Array>, to: "stdout" | "stderr") => {
      const decoder = new TextDecoder();
      for await (const bytes of s) this[to] += decoder.decode(bytes, { stream: true });
    };
    this.drained = Promise.all([
      pump(this.process.stdout, "stdout"),
      pump(this.process.stderr, "stderr"),
    ]).then(() => {});
  }

  get pid(): number {
    return this.process.pid;
  }

  /** Waits until `pattern` appears on stderr (or stdout), failing after `seconds`. */
  async waitFor(pattern: RegExp, seconds: number): Promise<void> {
    const end = performance.now() + seconds * 1000;
    while (!pattern.test(this.stderr) && !pattern.test(this.stdout)) {
      if (performance.now() > end) {
        assert.fail(`no ${pattern} within ${seconds} s; stderr: ${this.stderr}`);
      }
      await sleep(50);
    }
  }

  /** The exit code, or a failed test when the process is still running after `seconds`. */
  async exit(seconds: number): Promise<CliResult> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>((r) => timer = setTimeout(() => r(null), seconds * 1000));
    const status = await Promise.race([this.process.status, late]);
    clearTimeout(timer);
    if (status === null) {
      this.process.kill("SIGKILL");
      await this.process.status;
      await this.drained;
      assert.fail(`still running ${seconds} s later; stderr: ${this.stderr}`);
    }
    await this.drained;
    return { code: status.code, stdout: this.stdout, stderr: this.stderr };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The threads of process `pid` now, while it is the run writing to `out`; 0 once it is not. */
function threads(pid: number, out: string): number {
  const status = procStatus(pid, out);
  return status ? Number(/^Threads:\s+(\d+)/m.exec(status)?.[1]) : 0;
}

function oneLine(res: CliResult, code: number, message: RegExp): void {
  assert.equal(res.code, code, `exit ${res.code}: ${res.stderr}`);
  assert.match(res.stderr, message);
  assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
  assert.doesNotMatch(res.stderr, /\n\s+at |TypeError|RangeError|Uncaught/);
}

function manifestFiles(dir: string): string[] {
  const m = JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`));
  const securities = m.securities ?? [m];
  return securities.flatMap((s: { sessions: { file: string }[] }) => s.sessions.map((x) => x.file))
    .sort();
}

async function smallRun(args: string[] = []): Promise<string> {
  const dir = tempDir("rel");
  const seconds = args.includes("--seconds") ? [] : ["--seconds", "300"];
  const res = await runCli(["run", ...seconds, "--quiet", ...args, "--output", dir]);
  assert.equal(res.code, 0, res.stderr);
  return dir;
}

// 1. An empty --output wrote into the filesystem root.
Deno.test("1. an empty --output is refused and nothing lands in /", async () => {
  const before = ["/manifest.json", "/2026-01-02.qrsdp"].filter(exists);
  try {
    for (const args of [["--output", ""], ["--output="], ["--output", "  "], ["--output", "/"]]) {
      const res = await runCli(["run", "--seconds", "10", ...args], { cwd: tempDir("root") });
      oneLine(res, 2, /^qrsdp run: --output: (the path is empty|'\/' is the filesystem root)/);
    }
    assert.deepEqual(["/manifest.json", "/2026-01-02.qrsdp"].filter(exists), before);
  } finally {
    for (const f of ["/manifest.json", "/2026-01-02.qrsdp"]) {
      if (!before.includes(f) && exists(f)) Deno.removeSync(f);
    }
  }
});

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

// 2. A huge --kafka-timeout spun computing the retry policy; replay and topic ignored signals.
Deno.test("2. --kafka-timeout is bounded, and every Kafka command stops on SIGTERM while it retries", async () => {
  for (const value of ["1e308", "1e12", "86401", "-1", "NaN"]) {
    const args = ["--kafka-brokers", "127.0.0.1:1", "--kafka-timeout", value];
    const res = await new Child([
      "run",
      "--seconds",
      "10",
      ...args,
      "--output",
      `${tempDir("kt")}/r`,
    ])
      .exit(20);
    oneLine(res, 2, /^qrsdp run: --kafka-timeout: /);
  }
  const dir = await smallRun();
  const broker = ["--kafka-brokers", "127.0.0.1:1", "--kafka-timeout", "600"];
  for (const args of [["replay", dir, ...broker], ["platform", "topic", ...broker]]) {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const child = new Child(args);
      await sleep(1500);
      child.process.kill(signal);
      const res = await child.exit(10);
      assert.equal(res.code, 1, `${args[0]} ${signal}: ${res.stderr}`);
      assert.match(res.stderr, /127\.0\.0\.1:1/, `${args[0]} names the broker it could not reach`);
    }
  }
});

// 3. info read devices and FIFOs without end, and followed manifest paths out of the run.
Deno.test("3. info refuses devices, FIFOs and manifest paths that leave the run directory", async () => {
  // Before the fix this grew by about 1 GB a second: the deadline is short.
  oneLine(await new Child(["info", "/dev/zero"]).exit(5), 2, /\/dev\/zero: not a regular file/);
  const dir = tempDir("fifo");
  new Deno.Command("mkfifo", { args: [`${dir}/f.qrsdp`] }).outputSync();
  const fifo = new Child(["info", `${dir}/f.qrsdp`]);
  const res = await fifo.exit(20);
  oneLine(res, 2, /f\.qrsdp: not a regular file \(a FIFO\)/);

  for (const file of ["../../../../dev/zero", "../../../../etc/passwd", "/etc/passwd"]) {
    const run = await smallRun();
    const m = JSON.parse(Deno.readTextFileSync(`${run}/manifest.json`));
    m.sessions[0].file = file;
    Deno.writeTextFileSync(`${run}/manifest.json`, JSON.stringify(m));
    const out = await new Child(["info", run]).exit(5);
    assert.equal(out.code, 1, out.stderr);
    assert.match(out.stdout, /outside the run directory/);
    assert.doesNotMatch(out.stdout + out.stderr, /root:/);
  }
});

// 4. SIGTERM while Kafka was unreachable took 25 s, and the failure was never named.
Deno.test("4. an unreachable broker is reported at once, and a stop does not wait for it", async () => {
  const child = new Child([
    "run",
    "--seconds",
    "600",
    "--kafka-brokers",
    "127.0.0.1:1",
    "--output",
    `${tempDir("k4")}/r`,
  ]);
  await sleep(1000);
  child.process.kill("SIGTERM");
  const res = await child.exit(10);
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, /kafka.*127\.0\.0\.1:1/);

  const out = `${tempDir("k4s")}/r`;
  const stream = new Child([
    "run",
    "--days",
    "0",
    "--realtime",
    "--seconds",
    "600",
    "--kafka-brokers",
    "127.0.0.1:1",
    "--kafka-timeout",
    "1",
    "--output",
    out,
  ]);
  // The run goes on to its files, and says at once that Kafka is not getting the events.
  await stream.waitFor(/warning: kafka: cannot reach 127\.0\.0\.1:1.*files only/, 20);
  stream.process.kill("SIGTERM");
  const end = await stream.exit(10);
  assert.equal(end.code, 1, end.stderr);
  assert.ok(qrsdpFiles(out).length >= 1);
});

// 5. Two runs into one directory interleaved their files; a second run kept the first's.
Deno.test("5. one run at a time in a run directory; the next one replaces it, and says so", async () => {
  const out = `${tempDir("lock")}/r`;
  const first = new Child(["run", "--days", "0", "--seconds", "23400", "--output", out]);
  await first.waitFor(/./, 0.1).catch(() => {});
  while (!exists(`${out}/manifest.json`)) await sleep(50);
  const second = await runCli(["run", "--seconds", "10", "--output", out]);
  oneLine(second, 2, new RegExp(`--output: ${out} is in use by another run \\(process \\d+\\)`));
  first.process.kill("SIGTERM");
  assert.equal((await first.exit(20)).code, 0);

  const multi = await runCli([
    "run",
    "--seconds",
    "10",
    "--securities",
    "A:100,B:200",
    "--output",
    out,
    "--quiet",
  ]);
  assert.equal(multi.code, 0, multi.stderr);
  // The stopped continuous run wrote one day or more, depending on when the stop came.
  assert.match(
    multi.stderr,
    new RegExp(`^qrsdp run: replacing the previous run in ${out} \\((1 file|\\d+ files)\\)\n$`),
  );
  assert.deepEqual(qrsdpFiles(out), ["A/2026-01-02.qrsdp", "B/2026-01-02.qrsdp"]);
  assert.deepEqual(manifestFiles(out), qrsdpFiles(out));

  Deno.writeTextFileSync(`${out}/notes.txt`, "mine");
  for (const force of [[], ["--force"]]) {
    const foreign = await runCli(["run", "--seconds", "10", "--output", out, ...force]);
    oneLine(
      foreign,
      2,
      new RegExp(`--output: ${out} holds notes.txt, which is not a file of a qrsdp run`),
    );
  }
  assert.deepEqual(qrsdpFiles(out), ["A/2026-01-02.qrsdp", "B/2026-01-02.qrsdp"]);

  // The run that --continue reads is an input: never replaced.
  const half = `${tempDir("continue")}/h1`;
  assert.equal((await runCli(["run", "--seconds", "10", "--days", "2", "--output", half])).code, 0);
  const same = await runCli([
    "run",
    "--seconds",
    "10",
    "--first-day",
    "2",
    "--continue",
    half,
    "--output",
    half,
  ]);
  oneLine(same, 2, /--output: '.*h1' is inside the input run directory/);
  assert.deepEqual(qrsdpFiles(half), ["2026-01-02.qrsdp", "2026-01-05.qrsdp"]);
});

// 7. Malformed manifests crashed info and replay with TypeErrors.
Deno.test("7. a malformed manifest is one line naming it, for info and replay", async () => {
  const good = JSON.parse(
    Deno.readTextFileSync(`${await smallRun(["--securities", "A:100"])}/manifest.json`),
  );
  const security = good.securities[0];
  const bad = [
    null,
    [],
    "text",
    { securities: [null] },
    { securities: [{ symbol: "A" }] },
    { securities: [{ ...security, sessions: [null] }] },
    { securities: [{ ...security, symbol: { x: 1 } }] },
    { securities: [{ ...security, sessions: [{ date: 5, file: "A/x.qrsdp" }] }] },
    { sessions: "x" },
  ];
  for (const m of bad) {
    const dir = tempDir("badm");
    Deno.writeTextFileSync(`${dir}/manifest.json`, JSON.stringify(m));
    for (const args of [["info", dir], ["replay", dir, "--kafka-brokers", "127.0.0.1:1"]]) {
      const res = await runCli(args);
      oneLine(res, 2, new RegExp(`${dir}/manifest.json: `));
    }
  }
});

// 8. A malformed ClickHouse address gave a stack trace.
Deno.test("8. a malformed ClickHouse address is a usage error naming the flag or variable", async () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [["--port", "abc"], {}, /--port: 'abc' is not a port/],
    [["--port", "99999"], {}, /--port: '99999' is not a port/],
    [["--host", "a b"], {}, /--host: 'a b' is not a host name/],
    [[], { CLICKHOUSE_PORT: "abc" }, /CLICKHOUSE_PORT: 'abc' is not a port/],
    [[], { CLICKHOUSE_HOST: "a/b" }, /CLICKHOUSE_HOST: 'a\/b' is not a host name/],
  ];
  for (const command of [["query", "SELECT 1"], ["status"], ["platform", "init"], ["midprice"]]) {
    for (const [flags, env, message] of cases) {
      const res = await runCli([...command, ...flags], { env });
      oneLine(res, 2, message);
    }
  }
});

// 9. One worker per security, with no cap: a thousand threads.
Deno.test("9. workers are capped by the cores, in batch and in continuous mode", async () => {
  const count = 40;
  const many = Array.from({ length: count }, (_, i) => `S${i}:100`).join(",");
  // A worker thread each would make about 50; the runtime itself has about 9.
  const bound = Math.min(navigator.hardwareConcurrency, count) + 20;
  for (const days of ["1", "0"]) {
    const out = `${tempDir("cap")}/r`;
    const child = new Child([
      "run",
      "--securities",
      many,
      "--seconds",
      "1",
      "--days",
      days,
      "--quiet",
      "--output",
      out,
    ]);
    let most = 0;
    const end = performance.now() + 4000;
    while (performance.now() < end) {
      most = Math.max(most, threads(child.pid, out));
      if (days === "1" && threads(child.pid, out) === 0) break;
      await sleep(20);
    }
    if (days === "0") child.process.kill("SIGTERM");
    const res = await child.exit(60);
    assert.equal(res.code, 0, res.stderr);
    assert.ok(most < bound, `--days ${days}: ${most} threads for ${count} securities`);
    // Every security makes progress, even with fewer workers than securities.
    assert.equal(new Set(qrsdpFiles(out).map((f) => f.split("/")[0])).size, count);
  }
});

// 10. Stops that left no manifest; the day in progress was never listed.
Deno.test("10. every file on disk is in the manifest, whenever the run is stopped", async () => {
  for (const stop of ["kill", "two signals"] as const) {
    const out = `${tempDir("stop10")}/r`;
    const child = new Child(["run", "--days", "0", "--securities", "A:100,B:200", "--output", out]);
    while (qrsdpFiles(exists(out) ? out : tempDir("none")).length < 2) await sleep(20);
    await sleep(200);
    if (stop === "kill") child.process.kill("SIGKILL");
    else {
      child.process.kill("SIGTERM");
      await sleep(2);
      child.process.kill("SIGTERM");
    }
    const res = await child.exit(20);
    // Two signals 2 ms apart may reach the process as one (a graceful stop, exit 0).
    assert.ok(
      stop === "kill" ? res.code === 137 : [0, 143].includes(res.code),
      `${stop}: exit ${res.code}`,
    );
    assert.deepEqual(manifestFiles(out), qrsdpFiles(out), stop);
    const m = JSON.parse(Deno.readTextFileSync(`${out}/manifest.json`));
    assert.ok(
      m.securities.some((s: { sessions: { in_progress?: boolean }[] }) =>
        s.sessions.some((x) => x.in_progress === true)
      ) || stop === "two signals",
      "the day in progress is marked",
    );
  }
});

// 11. info said "integrity ok" for cut or corrupted files.
Deno.test("11. info never says ok for a file cut at a chunk boundary or with changed bytes", async () => {
  const dir = await smallRun(["--seconds", "3000"]);
  const path = `${dir}/2026-01-02.qrsdp`;
  const bytes = Deno.readFileSync(path);
  const reader = new QrsdpReader(bytes, path);
  assert.ok(reader.chunks.length >= 3);

  const boundary = reader.chunks[2].offset;
  Deno.writeFileSync(path, bytes.slice(0, boundary));
  const cut = await runCli(["info", path]);
  assert.equal(cut.code, 1);
  assert.match(cut.stdout, /damage +byte \d+: HAS_INDEX is set but the index is missing/);

  let flagged = 0;
  for (let i = 0; i < 16; i++) {
    const changed = bytes.slice();
    const at = reader.chunks[1].offset + 32 + ((i * 997) % reader.chunks[1].compressedSize);
    changed[at] ^= 1 << (i % 8);
    Deno.writeFileSync(path, changed);
    const res = await runCli(["info", path]);
    assert.doesNotMatch(res.stdout, /integrity +ok/);
    assert.equal(res.code, 1, res.stderr);
    if (/chunk 1: fails its checksum/.test(res.stdout)) flagged++;
  }
  assert.equal(flagged, 16);
  Deno.writeFileSync(path, bytes);
  const ok = await runCli(["info", path]);
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, /integrity +ok \(every chunk matches its checksum\)/);

  // Files without checksums (the C++ producer's) still read, and are not called "ok".
  const golden = await runCli(["info", `${ROOT}/tests/fixtures/g1_seed42_simple/2026-01-02.qrsdp`]);
  assert.equal(golden.code, 0);
  assert.match(golden.stdout, /integrity +no checksums/);
});

// 12. replay published up to a damaged chunk and exited 2 without a summary; info exited 1.
Deno.test("12. replay and info agree on a damaged chunk, and replay says what it sent", async () => {
  await requireBroker();
  const dir = await smallRun(["--seconds", "3000", "--securities", "R:100"]);
  const path = `${dir}/R/2026-01-02.qrsdp`;
  const bytes = Deno.readFileSync(path);
  const reader = new QrsdpReader(bytes, path);
  const middle = reader.chunks[Math.floor(reader.chunks.length / 2)];
  bytes[middle.offset + 40] ^= 0x10;
  Deno.writeFileSync(path, bytes);
  const info = await runCli(["info", dir]);
  assert.equal(info.code, 1);
  const topic = `rel12-${crypto.randomUUID()}`;
  const res = await runCli([
    "replay",
    dir,
    "--kafka-brokers",
    KAFKA_TEST_BROKERS,
    "--kafka-topic",
    topic,
  ]);
  assert.equal(res.code, 1, res.stderr);
  assert.match(
    res.stderr,
    new RegExp(`${path}: byte ${middle.offset}: chunk \\d+: fails its checksum`),
  );
  const before = reader.chunks.slice(0, reader.chunks.indexOf(middle));
  const sent = before.reduce((n, c) => n + c.recordCount, 0).toLocaleString("en-US");
  assert.match(
    res.stdout,
    new RegExp(`^kafka R: ${sent} events produced, ${sent} acknowledged;`, "m"),
  );
  assert.match(res.stdout, /^total: /m);
});

// 13. Dates past 9999-12-31 crashed the run.
Deno.test("13. a run that would pass 9999-12-31 is refused before it starts", async () => {
  const out = `${tempDir("y10k")}/r`;
  const res = await runCli(["run", "--start-date", "9999-12-30", "--days", "5", "--output", out]);
  oneLine(res, 2, /--start-date: 5 trading days from 9999-12-30 go past 9999-12-31/);
  assert.ok(!exists(out));
  const ok = await runCli([
    "run",
    "--start-date",
    "9999-12-30",
    "--days",
    "2",
    "--seconds",
    "10",
    "--output",
    out,
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(qrsdpFiles(out), ["9999-12-30.qrsdp", "9999-12-31.qrsdp"]);
});

// 14. A directory named manifest.json gave an IsADirectory stack trace.
Deno.test("14. a directory named manifest.json in --output is one line, with or without --force", async () => {
  const out = tempDir("mdir");
  Deno.mkdirSync(`${out}/manifest.json`);
  for (const force of [[], ["--force"]]) {
    oneLine(
      await runCli(["run", "--seconds", "10", "--output", out, ...force]),
      2,
      /--output: /,
    );
  }
});

// 16. The smaller ones.
Deno.test("16. integers are decimal digits; seeds take the whole u64 range, exactly", async () => {
  for (const value of ["0x10", "0b11", "0o7", "+5", "1e1", "1_0", " 5", "5.0"]) {
    const res = await runCli(["run", "--seed", value, "--output", `${tempDir("int")}/r`]);
    oneLine(res, 2, new RegExp(`--seed: '${value.replace("+", "\\+")}' is not an integer`));
  }
  oneLine(await runCli(["run", "--days", "1e1"]), 2, /--days: '1e1' is not an integer/);
  for (const seed of ["9007199254740993", "18446744073709551615"]) {
    const out = await smallRun(["--seed", seed, "--seconds", "5"]);
    const reader = QrsdpReader.open(`${out}/2026-01-02.qrsdp`);
    assert.equal(reader.header.seed, BigInt(seed));
    assert.match(
      Deno.readTextFileSync(`${out}/manifest.json`),
      new RegExp(`"base_seed": ${seed}\\b`),
    );
  }
  oneLine(
    await runCli(["run", "--seed", "18446744073709551616"]),
    2,
    /--seed: 18446744073709551616 is out of range/,
  );
});

Deno.test("16. repeated flags, stray arguments and usage on stderr", async () => {
  oneLine(await runCli(["run", "--seed", "1", "--seed", "2"]), 2, /--seed is given twice/);
  oneLine(await runCli(["run", "extra"]), 2, /unexpected argument 'extra'/);
  oneLine(await runCli(["status", "extra"]), 2, /unexpected argument 'extra'/);
  for (const args of [[], ["platform"]]) {
    const res = await runCli(args);
    assert.equal(res.code, 2);
    assert.equal(res.stdout, "");
    assert.match(res.stderr, /Usage: qrsdp/);
  }
  oneLine(
    await runCli(["run", "--market-open", "-1:00"]),
    2,
    /--market-open: '-1:00' is not HH:MM/,
  );
  oneLine(
    await runCli(["run", "--seconds", "5"], { env: { KAFKA_BROKERS: "nohost" } }),
    2,
    /KAFKA_BROKERS: 'nohost' is not host:port/,
  );
});

Deno.test("16. control characters from a manifest reach the terminal as text", async () => {
  const dir = await smallRun();
  const m = JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`));
  m.run_id = "x\x1b]0;pwned\x07\x1b[2J";
  Deno.writeTextFileSync(`${dir}/manifest.json`, JSON.stringify(m));
  const res = await runCli(["info", dir]);
  assert.equal(res.code, 0, res.stderr);
  assert.ok(!res.stdout.includes("\x1b") && !res.stdout.includes("\x07"), res.stdout);
  assert.match(res.stdout, /x\\x1b\]0;pwned\\x07\\x1b\[2J/);
});

Deno.test("16. a ClickHouse reply cut short is an error; control codes in cells are shown as text", async () => {
  const replies: Record<string, [string, number]> = {
    empty: ["", 0],
    cut: ['["x"]\n["1', 1000],
    escape: ['["x"]\n["a\\u001b[2Jb"]\n', -1],
  };
  for (const [name, [body, length]] of Object.entries(replies)) {
    const bytes = length < 0 ? new TextEncoder().encode(body).length : length;
    const server = fakeClickHouse(() =>
      `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${bytes}\r\n` +
      `Connection: close\r\n\r\n${body}`
    );
    try {
      const port = ["--host", "127.0.0.1", "--port", String(server.port)];
      const res = await runCli(["query", "SELECT x", "--format", "table", ...port]);
      if (name === "escape") {
        assert.equal(res.code, 0, res.stderr);
        assert.match(res.stdout, /a\\x1b\[2Jb/);
        assert.ok(!res.stdout.includes("\x1b"));
      } else {
        oneLine(
          res,
          2,
          /ClickHouse at http:\/\/127\.0\.0\.1:\d+: .*(cut short|broke before the reply ended)/,
        );
        assert.equal(res.stdout, "");
      }
    } finally {
      await server.stop();
    }
  }
});
