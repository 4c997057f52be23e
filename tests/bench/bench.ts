/**
 * `deno task bench [CASE...]`: throughput, memory, Kafka throughput and pacing error, against the
 * C++ producer's figures (3.5 M events/s for one security over a default day, written and read
 * back; 6.3 M events/s for three securities over five days). Each case runs in a process of its
 * own, so its peak RSS is its own. Prints figures and ratios; asserts nothing.
 *
 * Cases: one, three, days1, days5 (memory against the number of days), kafka, pacing, export,
 * calibrate.
 * The Kafka case starts a broker of its own with tests/kafka/start.sh.
 */
import { calibrate, expandInputs } from "../../src/calibrate/calibrate.ts";
import { runConfigFromArgs } from "../../src/cli/run_options.ts";
import { QrsdpReader } from "../../src/format/reader.ts";
import { EXPORT_FORMATS, exportRun } from "../../src/export/export.ts";
import { executeRun } from "../../src/run/run.ts";
import { Pacer } from "../../src/run/pacer.ts";
import { runSecurity } from "../../src/run/security_run.ts";
import { StopFlag } from "../../src/run/stop.ts";
import { closeRunSink, createRunSink } from "../../src/sinks/factory.ts";
import { startBroker, stopBroker } from "../kafka/broker.ts";
import { qrsdpFiles } from "../helpers.ts";

const CPP_ONE = 3.5e6;
const CPP_THREE = 6.3e6;
/** The C++ qrsdp_calibrate: 3.37 M events (`run --seed 5 --days 2`) in 0.35 s. */
const CPP_CALIBRATE = 3.37e6 / 0.35;
const MAIN = new URL("../../main.ts", import.meta.url);
const THREE = "AAA:10000,BBB:15000,CCC:20000";
const KAFKA_PORT = 19096;

function peakRssMiB(): string {
  const status = Deno.readTextFileSync("/proc/self/status");
  return `${(Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024).toFixed(0)} MiB`;
}

interface Figures {
  events: number;
  seconds: number;
  bytes: number;
}

async function batch(flags: Record<string, string>): Promise<Figures & { dir: string }> {
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_bench_" });
  const cfg = runConfigFromArgs([
    ...Object.entries(flags).flatMap(([name, value]) => [`--${name}`, value]),
    "--output",
    dir,
  ]);
  const result = await executeRun(cfg, new StopFlag(), { workerUrl: MAIN });
  const events = result.days.reduce((n, d) => n + d.events, 0);
  const bytes = qrsdpFiles(dir).reduce((n, f) => n + Deno.statSync(`${dir}/${f}`).size, 0);
  return { events, seconds: result.seconds, bytes, dir };
}

function readBack(dir: string): Figures {
  const t0 = performance.now();
  let events = 0, bytes = 0;
  for (const f of qrsdpFiles(dir)) {
    const r = QrsdpReader.open(`${dir}/${f}`);
    bytes += r.bytes.length;
    r.forEach(() => events++);
  }
  return { events, seconds: (performance.now() - t0) / 1000, bytes };
}

function line(label: string, f: Figures, target?: number): void {
  const rate = f.events / f.seconds;
  const ratio = target ? `  ${(rate / target).toFixed(2)}x the C++ producer` : "";
  console.log(
    `${label.padEnd(34)} ${f.events.toLocaleString("en-US").padStart(12)} events ` +
      `${f.seconds.toFixed(2).padStart(6)} s ${(rate / 1e6).toFixed(2).padStart(6)} M events/s ` +
      `${(f.bytes / 2 ** 20).toFixed(1).padStart(7)} MiB ` +
      `${(f.events * 26 / f.bytes).toFixed(2)}x compression${ratio}`,
  );
}

/**
 * Writes then reads back `reps` times (the machine is shared and noisy) and prints the fastest
 * write and the fastest read, with every write time; peak RSS while writing is the first run's.
 */
async function writeAndRead(
  label: string,
  flags: Record<string, string>,
  target?: number,
  reps = 1,
) {
  let write: Figures | null = null, read: Figures | null = null, writeRss = "";
  const times: string[] = [];
  for (let i = 0; i < reps; i++) {
    const run = await batch(flags);
    if (i === 0) writeRss = peakRssMiB();
    const back = readBack(run.dir);
    Deno.removeSync(run.dir, { recursive: true });
    times.push(run.seconds.toFixed(2));
    if (!write || run.seconds < write.seconds) write = run;
    if (!read || back.seconds < read.seconds) read = back;
  }
  if (reps > 1) console.log(`${label}: ${reps} runs, write seconds ${times.join(", ")}; best:`);
  line(`${label}: write`, write!, flags.securities ? target : undefined);
  line(`${label}: read back`, read!);
  if (!flags.securities) {
    const both = { ...write!, seconds: write!.seconds + read!.seconds };
    line(`${label}: write + read`, both, target);
  }
  console.log(`${label}: peak RSS ${writeRss} writing, ${peakRssMiB()} after reading back`);
}

/** Batch runs to a local broker through the CLI, as a user would run them. */
async function kafka(): Promise<void> {
  await startBroker(KAFKA_PORT);
  try {
    for (const securities of ["ONE:10000", THREE]) {
      const dir = Deno.makeTempDirSync({ prefix: "qrsdp_bench_" });
      const t0 = performance.now();
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MAIN.pathname, "run", "--seconds", "4000", "--securities", securities]
          .concat(["--kafka-brokers", `127.0.0.1:${KAFKA_PORT}`, "--output", dir, "--quiet"])
          .concat(["--kafka-topic", `bench.${crypto.randomUUID().slice(0, 8)}`]),
      }).output();
      const seconds = (performance.now() - t0) / 1000;
      const text = new TextDecoder().decode(out.stdout);
      if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
      const acked = [...text.matchAll(/([\d,]+) acknowledged/g)]
        .reduce((n, m) => n + Number(m[1].replaceAll(",", "")), 0);
      const n = securities.split(",").length;
      console.log(
        `kafka, ${n} securities, batch: ${acked.toLocaleString("en-US")} events acknowledged in ` +
          `${seconds.toFixed(2)} s (process start included): ${
            (acked / seconds / 1e3).toFixed(0)
          }` +
          ` k events/s to the local broker`,
      );
      Deno.removeSync(dir, { recursive: true });
    }
  } finally {
    await stopBroker(KAFKA_PORT);
  }
  console.log(`kafka: peak RSS ${peakRssMiB()}`);
}

/**
 * Three securities paced at speed 100 on one thread (the CLI gives each its own worker, so this
 * is the harder case), writing files: how late each event is released against its schedule.
 */
async function pacing(): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_bench_" });
  const cfg = runConfigFromArgs(
    ["--seconds", "1800", "--securities", THREE, "--realtime", "--speed", "100", "--output", dir],
  );
  const stop = new StopFlag();
  const pacers = cfg.securities.map(() =>
    new Pacer(cfg.pacing.speed, cfg.session.marketOpenSeconds * 1e9, stop, true)
  );
  await Promise.all(cfg.securities.map(async (_, i) => {
    const sink = await createRunSink(cfg.output.dir, cfg.kafka);
    await runSecurity(cfg, i, sink, stop, { pacer: pacers[i] });
    await closeRunSink(sink);
  }));
  const late = pacers.flatMap((p) => p.lateness!).sort((a, b) => a - b);
  const at = (q: number) => late[Math.min(late.length - 1, Math.floor(q * late.length))].toFixed(2);
  console.log(
    `pacing, 3 securities x 1800 s at speed 100: ${late.length.toLocaleString("en-US")} events, ` +
      `lateness p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${late[late.length - 1].toFixed(2)} ms`,
  );
  Deno.removeSync(dir, { recursive: true });
}

/** Each export format over one default day: time, rate, size. */
async function exports(): Promise<void> {
  const { dir, events } = await batch({ seed: "3", days: "1" });
  for (const format of Object.keys(EXPORT_FORMATS)) {
    const out = `${dir}/${format}`;
    const t0 = performance.now();
    const [done] = exportRun(dir, format, out);
    const seconds = (performance.now() - t0) / 1000;
    const bytes = done.files.reduce((n, f) => n + Deno.statSync(f).size, 0);
    console.log(
      `export ${format}, 1 security x 1 day (${events.toLocaleString("en-US")} events): ` +
        `${seconds.toFixed(2)} s, ${(events / seconds / 1e6).toFixed(2)} M events/s, ` +
        `${(bytes / 2 ** 20).toFixed(1)} MiB`,
    );
    Deno.removeSync(out, { recursive: true });
  }
  console.log(`export: peak RSS ${peakRssMiB()}`);
  Deno.removeSync(dir, { recursive: true });
}

/**
 * `calibrate --compat` of a two-day run (`run --seed 5 --days 2`, 3.37 M events) against the
 * established tool's 0.35 s (a process, start included): through the CLI as a user runs it, best
 * of 5, then in this process, best of 7 (the first of those is the cold one).
 */
async function calibrateCase(): Promise<void> {
  const run = await batch({ seed: "5", days: "2" });
  const rate = (events: number, seconds: number) =>
    `${events.toLocaleString("en-US")} events in ${seconds.toFixed(3)} s: ` +
    `${(events / seconds / 1e6).toFixed(2)} M events/s, ` +
    `${(events / seconds / CPP_CALIBRATE).toFixed(2)}x the C++ tool`;
  const cli: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN.pathname, "calibrate", run.dir, "--compat", "--output"]
        .concat([`${run.dir}/curves.json`]),
      stdout: "null",
    }).output();
    if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
    cli.push((performance.now() - t0) / 1000);
  }
  const files = expandInputs([run.dir]);
  const inProcess: number[] = [];
  let events = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    events = calibrate({
      files,
      levels: null,
      nMax: 100,
      spreadSensitivity: 0.3,
      imbalanceSensitivity: 1,
      compat: true,
      censored: false,
    }, () => {}).events;
    inProcess.push((performance.now() - t0) / 1000);
  }
  Deno.removeSync(run.dir, { recursive: true });
  const list = (xs: number[]) => xs.map((t) => t.toFixed(3)).join(", ");
  console.log(`calibrate, CLI (process start included): seconds ${list(cli)}`);
  console.log(`calibrate, in process: seconds ${list(inProcess)}`);
  console.log(`calibrate 2 days, CLI, best:        ${rate(events, Math.min(...cli))}`);
  console.log(`calibrate 2 days, in process, best: ${rate(events, Math.min(...inProcess))}`);
  console.log(`calibrate 2 days, in process, cold: ${rate(events, inProcess[0])}`);
  console.log(`calibrate: peak RSS ${peakRssMiB()} (in process, both files read whole)`);
}

const CASES: Record<string, () => Promise<void>> = {
  one: () => writeAndRead("1 security x 1 day", { seed: "1", days: "1" }, CPP_ONE, 5),
  three: () =>
    writeAndRead(
      "3 securities x 5 days",
      { seed: "1", days: "5", securities: THREE },
      CPP_THREE,
      3,
    ),
  days1: () => writeAndRead("memory: 1 security x 1 day", { seed: "2", days: "1", workers: "1" }),
  days5: () => writeAndRead("memory: 1 security x 5 days", { seed: "2", days: "5", workers: "1" }),
  kafka,
  pacing,
  export: exports,
  calibrate: calibrateCase,
};

if (Deno.args.length === 1 && Deno.env.get("QRSDP_BENCH_CHILD")) {
  await CASES[Deno.args[0]]();
} else {
  const names = Deno.args.length ? Deno.args : Object.keys(CASES);
  for (const name of names) {
    if (!CASES[name]) throw new Error(`unknown case '${name}' (${Object.keys(CASES).join(", ")})`);
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(import.meta.url).pathname, name],
      env: { QRSDP_BENCH_CHILD: "1" },
    }).spawn().status;
    if (code !== 0) Deno.exit(code);
  }
}
