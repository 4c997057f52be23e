/**
 * Bench cases against the established C++ tools' figures on this machine (issue 15): reading a
 * day in process, `info` of a day, reading 15 files (time and peak RSS), start-up, and writing
 * several securities with every core busy. Whole-process cases run `deno run -A main.ts` (the
 * TypeScript already compiled by a warm-up run). The machine is shared: each case prints the best
 * of several runs, and every run's figure.
 */
import process from "node:process";
import { runConfigFromArgs } from "../../src/cli/run_options.ts";
import { newRecord } from "../../src/core/events.ts";
import { LogReader } from "../../src/format/log_reader.ts";
import { Lz4BlockCompressor } from "../../src/format/lz4_block.ts";
import { RECORD_SIZE } from "../../src/format/record.ts";
import { ChunkBuffer, QrsdpWriter } from "../../src/format/writer.ts";
import { Session } from "../../src/model/session.ts";
import { createModel, fileHeader, sessionConfig, sessionSeed } from "../../src/run/config.ts";
import { programV8Flags, qrsdpFiles } from "../helpers.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
/** qrsdp_log_read of one day: 42 M records/s in process. */
const CPP_READ_RATE = 42e6;
/** qrsdp_log_info FILE of one day, whole process. */
const CPP_INFO_SECONDS = 0.039;
/** Reading the 15 files of 3 securities x 5 days, whole process. */
const CPP_READ15_SECONDS = 0.6;
const CPP_READ15_RSS_MIB = 12;
const CPP_STARTUP_SECONDS = 0.008;
/** The C++ producer writing 2, 4, 8 securities x 1 day or 3 x 5 days with both cores busy. */
const CPP_WRITE_RATE = 7.6e6;
/** Its CPU per event then: both cores for 1 / 7.6 M of a second each. */
const CPP_WRITE_CPU_NS = 2 / CPP_WRITE_RATE * 1e9;
const THREE = "AAA:10000,BBB:15000,CCC:20000";

/** User + system CPU seconds of this process so far. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function securities(n: number): string {
  return Array.from({ length: n }, (_, i) => `S${i}:${10000 + 1000 * i}`).join(",");
}

interface ProcessTimes {
  /** Wall seconds. */
  wall: number;
  /** User + system CPU seconds of the process and its threads. */
  cpu: number;
}

/**
 * Runs `deno run -A ARGS` timed by bash's `time` (wall, user + system CPU), with the V8 flags the
 * program ships with (as the compiled binary and `deno task run` start it).
 */
async function timed(args: string[]): Promise<ProcessTimes> {
  const out = await new Deno.Command("bash", {
    args: [
      "-c",
      'TIMEFORMAT="%R %U %S"; time "$@" >/dev/null',
      "_",
      Deno.execPath(),
      "run",
      ...programV8Flags(),
      ...args,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr).trim().split("\n");
  if (out.code !== 0) throw new Error(err.join("\n"));
  const [wall, user, sys] = err[err.length - 1].split(" ").map(Number);
  return { wall, cpu: user + sys };
}

/** Runs `main.ts` with `args` in a child process; returns its wall seconds. */
async function wholeProcess(args: string[]): Promise<number> {
  return (await timed(["-A", MAIN, ...args])).wall;
}

async function generate(flags: string[]): Promise<string> {
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_bench_" });
  await wholeProcess(["run", ...flags, "--output", dir, "--quiet"]);
  return dir;
}

function best(times: number[]): number {
  return Math.min(...times);
}

function list(times: number[], digits = 3): string {
  return times.map((t) => t.toFixed(digits)).join(", ");
}

/** Every record of a file through `LogReader.forEach`, as commands read; returns the count. */
function readAll(path: string): number {
  const reader = LogReader.open(path);
  let n = 0;
  try {
    reader.forEach(() => n++);
  } finally {
    reader.close();
  }
  return n;
}

/** In-process read of one day (1.69 M records), best of 15 passes after the first. */
export async function readDay(): Promise<void> {
  const dir = await generate(["--seed", "1", "--days", "1"]);
  const path = `${dir}/${qrsdpFiles(dir)[0]}`;
  const times: number[] = [], cpu: number[] = [];
  let records = 0;
  for (let i = 0; i < 16; i++) {
    const t0 = performance.now(), c0 = cpuSeconds();
    records = readAll(path);
    times.push((performance.now() - t0) / 1000);
    cpu.push(cpuSeconds() - c0);
  }
  const first = times.shift()!;
  cpu.shift();
  const rate = records / best(times);
  console.log(
    `read one day in process: ${records.toLocaleString("en-US")} records, best ${
      (best(times) * 1000).toFixed(1)
    } ms (CPU ${(best(cpu) * 1000).toFixed(1)} ms; first pass ${(first * 1000).toFixed(1)} ms): ${
      (rate / 1e6).toFixed(1)
    } M records/s, ${(rate / CPP_READ_RATE).toFixed(2)}x the C++ reader's 42 M/s`,
  );
  Deno.removeSync(dir, { recursive: true });
}

/** `qrsdp info FILE` of a day, whole process, best of 9. */
export async function infoDay(): Promise<void> {
  const dir = await generate(["--seed", "1", "--days", "1"]);
  const path = `${dir}/${qrsdpFiles(dir)[0]}`;
  await wholeProcess(["info", path]);
  const runs: ProcessTimes[] = [];
  for (let i = 0; i < 9; i++) runs.push(await timed(["-A", MAIN, "info", path]));
  const times = runs.map((r) => r.wall);
  console.log(
    `info of one day, whole process: best ${best(times).toFixed(3)} s (runs ${list(times)}), ${
      (best(times) / CPP_INFO_SECONDS).toFixed(2)
    }x qrsdp_log_info's 0.039 s; CPU best ${Math.min(...runs.map((r) => r.cpu)).toFixed(3)} s`,
  );
  Deno.removeSync(dir, { recursive: true });
}

/** Reads the 15 files of 3 securities x 5 days in a process of its own: time and peak RSS. */
export async function read15(): Promise<void> {
  const dir = await generate(["--seed", "1", "--days", "5", "--securities", THREE]);
  const files = qrsdpFiles(dir).map((f) => `${dir}/${f}`);
  const script = `
import { LogReader } from "${new URL("../../src/format/log_reader.ts", import.meta.url).href}";
let n = 0;
for (const path of Deno.args) {
  const reader = LogReader.open(path);
  reader.forEach(() => n++);
  reader.close();
}
const hwm = /VmHWM:\\s+(\\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"))[1];
console.log(n, hwm);
`;
  const scriptPath = `${dir}/read15.ts`;
  Deno.writeTextFileSync(scriptPath, script);
  const runs: { seconds: number; records: number; rssMiB: number }[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", ...programV8Flags(), scriptPath, ...files],
      stdout: "piped",
    }).output();
    const seconds = (performance.now() - t0) / 1000;
    const [records, kb] = new TextDecoder().decode(out.stdout).trim().split(" ").map(Number);
    runs.push({ seconds, records, rssMiB: kb / 1024 });
  }
  runs.shift();
  const times = runs.map((r) => r.seconds);
  const rss = Math.max(...runs.map((r) => r.rssMiB));
  console.log(
    `read 15 files (3 securities x 5 days, ${
      runs[0].records.toLocaleString("en-US")
    } records), whole process: best ${best(times).toFixed(2)} s (runs ${list(times, 2)}), ${
      (best(times) / CPP_READ15_SECONDS).toFixed(2)
    }x C++'s 0.60 s; peak RSS ${rss.toFixed(0)} MiB (C++ ${CPP_READ15_RSS_MIB} MiB)`,
  );
  Deno.removeSync(dir, { recursive: true });
}

/** `run --seconds 1` whole process against an empty `deno run`, best of 15 each. */
export async function startup(): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_bench_" });
  Deno.writeTextFileSync(`${dir}/empty.ts`, "");
  // --force: every run replaces the previous one in the same directory.
  const args = [
    "-A",
    MAIN,
    "run",
    "--seconds",
    "1",
    "--output",
    `${dir}/out`,
    "--quiet",
    "--force",
  ];
  await timed(args);
  const ours: ProcessTimes[] = [], empty: ProcessTimes[] = [];
  for (let i = 0; i < 15; i++) {
    ours.push(await timed(args));
    empty.push(await timed([`${dir}/empty.ts`]));
  }
  const wall = best(ours.map((r) => r.wall)), emptyWall = best(empty.map((r) => r.wall));
  console.log(
    `start-up, run --seconds 1: best ${(wall * 1000).toFixed(0)} ms (CPU ${
      (best(ours.map((r) => r.cpu)) * 1000).toFixed(0)
    } ms), an empty deno run ${(emptyWall * 1000).toFixed(0)} ms (CPU ${
      (best(empty.map((r) => r.cpu)) * 1000).toFixed(0)
    } ms): ${((wall - emptyWall) * 1000).toFixed(0)} ms ours; ${
      (wall / CPP_STARTUP_SECONDS).toFixed(1)
    }x C++'s 8 ms`,
  );
  Deno.removeSync(dir, { recursive: true });
}

/** Writes with every core busy, whole process, best of 5, against the C++ producer's time. */
export async function writes(): Promise<void> {
  const cases: [string, string[]][] = [
    ["2 securities x 1 day", ["--days", "1", "--securities", securities(2)]],
    ["4 securities x 1 day", ["--days", "1", "--securities", securities(4)]],
    ["8 securities x 1 day", ["--days", "1", "--securities", securities(8)]],
    ["3 securities x 5 days", ["--days", "5", "--securities", THREE]],
  ];
  for (const [label, flags] of cases) {
    const dir = Deno.makeTempDirSync({ prefix: "qrsdp_bench_" });
    const args = [
      "-A",
      MAIN,
      "run",
      "--seed",
      "1",
      ...flags,
      "--output",
      dir,
      "--quiet",
      "--force",
    ];
    const runs: ProcessTimes[] = [];
    for (let i = 0; i < 5; i++) runs.push(await timed(args));
    const times = runs.map((r) => r.wall);
    const cpu = Math.min(...runs.map((r) => r.cpu));
    const manifest = JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`));
    const files: string[] = manifest.securities.flatMap((s: { sessions: { file: string }[] }) =>
      s.sessions.map((x) => `${dir}/${x.file}`)
    );
    const events = files.reduce((n, f) => n + recordCount(f), 0);
    const cpp = events / CPP_WRITE_RATE;
    console.log(
      `write ${label}, whole process: ${events.toLocaleString("en-US")} events, best ${
        best(times).toFixed(2)
      } s (runs ${list(times, 2)}), ${(events / best(times) / 1e6).toFixed(2)} M events/s; ${
        (best(times) / cpp).toFixed(2)
      }x the C++ producer's ${cpp.toFixed(2)} s; CPU best ${cpu.toFixed(2)} s, ${
        (cpu / events * 1e9).toFixed(0)
      } ns an event, ${(cpu / events * 1e9 / CPP_WRITE_CPU_NS).toFixed(2)}x C++'s ${
        CPP_WRITE_CPU_NS.toFixed(0)
      } ns (two busy cores)`,
    );
    Deno.removeSync(dir, { recursive: true });
  }
}

/** A file's record count from its chunk headers, without decompressing. */
function recordCount(path: string): number {
  const reader = LogReader.open(path);
  let n = 0;
  for (let c = reader.next(); c; c = reader.next()) n += c.recordCount;
  reader.close();
  return n;
}

/**
 * Where a written day's CPU goes, in this thread, warm (best of 5): generating the events,
 * encoding them into chunks (generating and encoding, less generating), compressing the chunks,
 * writing the file.
 */
export async function writeParts(): Promise<void> {
  const cfg = await runConfigFromArgs(["--seed", "1"]);
  const seed = sessionSeed(cfg, 0, 0), p0 = cfg.securities[0].p0Ticks;
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_bench_" });
  const session = () => new Session(sessionConfig(cfg, seed, p0), createModel(cfg));
  const best = { generate: Infinity, encode: Infinity, compress: Infinity, write: Infinity };
  let events = 0;
  for (let rep = 0; rep < 5; rep++) {
    const rec = newRecord();
    let t = cpuSeconds();
    const plain = session();
    for (events = 0; plain.next(rec);) events++;
    const generate = cpuSeconds() - t;

    const chunks: { raw: Uint8Array; count: number; first: number; last: number }[] = [];
    const chunk = new ChunkBuffer(cfg.output.chunkSize);
    const keep = () => {
      chunks.push({
        raw: chunk.raw.slice(),
        count: chunk.count,
        first: chunk.firstTsNs,
        last: chunk.lastTsNs,
      });
      chunk.reset();
    };
    t = cpuSeconds();
    const encoded = session();
    while (encoded.next(rec)) if (chunk.push(rec)) keep();
    keep();
    const generateAndEncode = cpuSeconds() - t;

    const compressor = new Lz4BlockCompressor();
    t = cpuSeconds();
    for (const c of chunks) compressor.compressWithHeadroom(c.raw, c.count * RECORD_SIZE, 32);
    const compress = cpuSeconds() - t;

    t = cpuSeconds();
    const writer = QrsdpWriter.create(`${dir}/day.qrsdp`, fileHeader(cfg, seed, p0));
    for (const c of chunks) writer.writeChunk(c.raw, c.count, c.first, c.last);
    writer.close();
    const write = cpuSeconds() - t - compress;

    best.generate = Math.min(best.generate, generate);
    best.encode = Math.min(best.encode, generateAndEncode - generate);
    best.compress = Math.min(best.compress, compress);
    best.write = Math.min(best.write, write);
  }
  const ns = (s: number) => `${Math.max(0, s / events * 1e9).toFixed(0)} ns`;
  console.log(
    `a day's write, in this thread, warm, CPU best of 5 (${events.toLocaleString("en-US")} ` +
      `events): generate ${ns(best.generate)}, encode ${ns(best.encode)}, compress ${
        ns(best.compress)
      }, write ${ns(best.write)} an event (C++ with both cores busy: ${
        CPP_WRITE_CPU_NS.toFixed(0)
      } ns in all)`,
  );
  Deno.removeSync(dir, { recursive: true });
}
