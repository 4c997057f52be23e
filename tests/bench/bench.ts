/**
 * `deno task bench [CASE...]`: throughput, memory, Kafka throughput and pacing error, against the
 * C++ producer's figures (3.5 M events/s for one security over a default day, written and read
 * back; 6.3 M events/s for three securities over five days). Each case runs in a process of its
 * own, so its peak RSS is its own. Prints figures and ratios; asserts nothing.
 *
 * Cases: one, three, days1, days5 (memory against the number of days), kafka, pacing, export,
 * calibrate, serve (the dashboard replaying 20 days at speed 5000 in headless Chromium), itch,
 * calibrate_itch, calibrate_itch_day, calibrate_lobster (calibrate_real_cases.ts), many (run time per security at 500 and 10,000
 * securities);
 * and against the established C++ tools (cpp_cases.ts): read, info, read15, startup, writes, parts.
 * The Kafka case starts a broker of its own with tests/kafka/start.sh (port 19096, or
 * KAFKA_BENCH_PORT) and compares with the C++ reference producer's 581-799 k events/s (one
 * security; 581 k under load, 799 k on a quiet machine) and 1.33 M (three), and with Kafka's own
 * ProducerPerformance on the same broker; then one case on a three-broker cluster
 * (tests/kafka/cluster.ts, replication factor 3, acks all; ports from 19110, or
 * KAFKA_BENCH_CLUSTER_PORT): ProducerPerformance, ours packed, ours one per message. Each
 * Kafka figure is the median of three runs on brokers warmed up first.
 */
import process from "node:process";
import { calibrate, expandInputs } from "../../src/calibrate/calibrate.ts";
import { runConfigFromArgs } from "../../src/cli/run_options.ts";
import { LogReader } from "../../src/format/log_reader.ts";
import { EXPORT_FORMATS, exportRun } from "../../src/export/export.ts";
import { executeRun } from "../../src/run/run.ts";
import { Pacer } from "../../src/run/pacer.ts";
import { runSecurity } from "../../src/run/security_run.ts";
import { StopFlag } from "../../src/run/stop.ts";
import { closeRunSink, createRunSink } from "../../src/sinks/factory.ts";
import { kafkaClient } from "../../src/kafka/client.ts";
import { kafkaSettings } from "../../src/kafka/settings.ts";
import { ensureTopic } from "../../src/kafka/topic.ts";
import { startBroker, stopBroker } from "../kafka/broker.ts";
import { KafkaCluster } from "../kafka/cluster.ts";
import { programV8Flags, qrsdpFiles } from "../helpers.ts";
import { infoDay, read15, readDay, startup, writeParts, writes } from "./cpp_cases.ts";
import { serveReplay } from "./serve_replay.ts";
import { fullMarket } from "./full_market.ts";
import {
  calibrateItchCase,
  calibrateItchDayCase,
  calibrateLobsterCase,
} from "./calibrate_real_cases.ts";
import dgram from "node:dgram";
import { feedFromFiles } from "../../src/itch/feed_files.ts";
import { feedPlan } from "../../src/itch/feed_plan.ts";
import { ItchFileOutput } from "../../src/itch/itch_file.ts";
import { UdpFeedOutput } from "../../src/itch/udp_output.ts";

const CPP_ONE = 3.5e6;
const CPP_THREE = 6.3e6;
/** The C++ qrsdp_calibrate: 3.37 M events (`run --seed 5 --days 2`) in 0.35 s. */
const CPP_CALIBRATE = 3.37e6 / 0.35;
const MAIN = new URL("../../main.ts", import.meta.url);
const THREE = "AAA:10000,BBB:15000,CCC:20000";
/** The bench's broker; KAFKA_BENCH_PORT moves it (a helper's own port, say). */
const KAFKA_PORT = Number(Deno.env.get("KAFKA_BENCH_PORT") ?? "19096");
const KAFKA_WORK = new URL("../kafka/.work", import.meta.url).pathname;
const KAFKA_CLUSTER_PORT = Number(Deno.env.get("KAFKA_BENCH_CLUSTER_PORT") ?? "19110");

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
  const cfg = await runConfigFromArgs([
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
    const r = LogReader.open(`${dir}/${f}`);
    bytes += r.size;
    r.forEach(() => events++);
    r.close();
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

/**
 * The C++ reference producer (librdkafka) to a local broker: one security x one day (799 k on a
 * quiet machine, 581 k under load), and three.
 */
const CPP_KAFKA_ONE = 799e3;
const CPP_KAFKA_ONE_LOADED = 581e3;
const CPP_KAFKA_THREE = 1.33e6;
const ONE_DAY_EVENTS = 1_687_175;

interface KafkaFigures {
  events: number;
  messages: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  brokerCpuSeconds: number;
  topicMessages: number;
}

/** CPU seconds the broker process has used so far (from /proc). */
function brokerCpuSeconds(port: number): number {
  const pid = Deno.readTextFileSync(`${KAFKA_WORK}/broker-${port}/broker.pid`).trim();
  const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
}

interface RunJson {
  seconds: number;
  kafka: {
    by_symbol: { events: number; acknowledged_events: number; acknowledged_messages: number }[];
  }[];
  ok: boolean;
}

/**
 * One day of `securities` to the broker, `perMessage` events per message: `qrsdp run` in a process
 * of its own (cli_child.ts, with the program's V8 flags), into a topic made beforehand as on a
 * running platform. Throws unless every event was acknowledged and the topic holds exactly the
 * acknowledged messages.
 */
/** Where a Kafka case produces to, and how much CPU its brokers have used so far. */
interface KafkaTarget {
  brokers: string;
  brokerCpuSeconds: () => number;
  replicationFactor?: number;
}

const singleBroker = (port: number): KafkaTarget => ({
  brokers: `127.0.0.1:${port}`,
  brokerCpuSeconds: () => brokerCpuSeconds(port),
});

async function kafkaRun(
  perMessage: string,
  securities: string,
  target: KafkaTarget,
): Promise<KafkaFigures> {
  const brokers = target.brokers, topic = `bench.${crypto.randomUUID().slice(0, 8)}`;
  const settings = kafkaSettings(
    { brokers, topic, maxInFlight: 1, timeoutSeconds: 30 },
    () => undefined,
  )!;
  const client = kafkaClient(settings, "qrsdp-bench", 30_000);
  await ensureTopic(client, topic, { partitions: 3, replicationFactor: target.replicationFactor });
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_bench_" });
  const broker0 = target.brokerCpuSeconds();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      ...["run", "-A", ...programV8Flags(), new URL("./cli_child.ts", import.meta.url).pathname],
      ...["run", "--seed", "1", "--days", "1", "--securities", securities, "--output", dir],
      ...["--kafka-brokers", brokers, "--kafka-topic", topic],
      ...["--kafka-records-per-message", perMessage, "--json"],
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const brokerCpu = target.brokerCpuSeconds() - broker0;
  Deno.removeSync(dir, { recursive: true });
  const stderr = new TextDecoder().decode(out.stderr);
  const child = /^bench-child (.*)$/m.exec(stderr);
  if (out.code !== 0 || !child) throw new Error(`qrsdp run failed (${out.code}): ${stderr}`);
  const run: RunJson = JSON.parse(new TextDecoder().decode(out.stdout));
  const { peakRssMiB, cpuSeconds } = JSON.parse(child[1]);
  const counts = run.kafka.flatMap((k) => k.by_symbol);
  const admin = client.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const figures: KafkaFigures = {
    events: counts.reduce((n, c) => n + c.acknowledged_events, 0),
    messages: counts.reduce((n, c) => n + c.acknowledged_messages, 0),
    seconds: run.seconds,
    cpuSeconds,
    peakRssMiB,
    brokerCpuSeconds: brokerCpu,
    topicMessages: offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0),
  };
  if (!run.ok || counts.some((c) => c.acknowledged_events !== c.events)) {
    throw new Error(`not every event acknowledged: ${JSON.stringify(run.kafka)}`);
  }
  if (figures.topicMessages !== figures.messages) {
    throw new Error(
      `${figures.topicMessages} messages in the topic, ${figures.messages} acknowledged`,
    );
  }
  return figures;
}

/**
 * Kafka's own producer (ProducerPerformance from the broker's jars), 26-byte records, acks all,
 * LZ4, into a new topic of three partitions with `replicationFactor` replicas.
 */
async function producerPerformance(target: KafkaTarget, records: number): Promise<number> {
  const topic = `bench.pp.${crypto.randomUUID().slice(0, 8)}`;
  const settings = kafkaSettings(
    { brokers: target.brokers, topic, maxInFlight: 1, timeoutSeconds: 30 },
    () => undefined,
  )!;
  const client = kafkaClient(settings, "qrsdp-bench", 30_000);
  await ensureTopic(client, topic, { partitions: 3, replicationFactor: target.replicationFactor });
  const out = await new Deno.Command("java", {
    args: [
      ...["-cp", `${KAFKA_WORK}/libs/*`, "org.apache.kafka.tools.ProducerPerformance"],
      ...["--topic", topic],
      ...["--num-records", String(records), "--record-size", "26", "--throughput", "-1"],
      ...["--producer-props", `bootstrap.servers=${target.brokers}`, "acks=all"],
      "compression.type=lz4",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const rate = /^\d+ records sent, ([\d.]+) records\/sec/m.exec(text.split("\n").at(-2) ?? "");
  if (out.code !== 0 || !rate) {
    throw new Error(`ProducerPerformance: ${text}${new TextDecoder().decode(out.stderr)}`);
  }
  return Number(rate[1]);
}

/** Runs of each Kafka case (ours and ProducerPerformance): the median is reported, and each run. */
const KAFKA_RUNS = 3;

/** `KAFKA_RUNS` runs of `run`: the one whose `rate` is the median, and all of them. */
async function median<T>(run: () => Promise<T>, rate: (t: T) => number) {
  const all: T[] = [];
  for (let i = 0; i < KAFKA_RUNS; i++) all.push(await run());
  const sorted = [...all].sort((a, b) => rate(a) - rate(b));
  return { median: sorted[Math.floor(sorted.length / 2)], all };
}

/** Our run's median by events/s (its peak RSS the highest of the runs), and each run's rate. */
async function kafkaCase(perMessage: string, securities: string, target: KafkaTarget) {
  const rate = (f: KafkaFigures) => f.events / f.seconds;
  const { median: f, all } = await median(() => kafkaRun(perMessage, securities, target), rate);
  const runs = all.map((r) => (rate(r) / 1e6).toFixed(3)).join(", ");
  return {
    f: { ...f, peakRssMiB: Math.max(...all.map((r) => r.peakRssMiB)) },
    rate: rate(f),
    runs: `median of ${KAFKA_RUNS} runs (${runs} M events/s; peak RSS the highest)`,
  };
}

/**
 * A new broker's JIT is cold: its first producers run slower, whoever they are (our first runs
 * on a new broker: 1.4-2.3 M events/s against 2.7-3.0 once warm). Every case meets it warm, as a
 * running platform's broker is: one day of each producer first, not measured.
 */
async function warmUp(target: KafkaTarget): Promise<void> {
  await producerPerformance(target, ONE_DAY_EVENTS);
  for (const perMessage of ["64", "1"]) await kafkaRun(perMessage, "ONE:10000", target);
}

/**
 * One day of one and of three securities to a local broker, one event per message and 64, against
 * the established producer and, in the same run on the same broker, Kafka's own producer; each
 * case run KAFKA_RUNS times on a broker warmed up first.
 */
async function kafka(): Promise<void> {
  let singleOne = 0;
  await startBroker(KAFKA_PORT);
  try {
    await warmUp(singleBroker(KAFKA_PORT));
    const pp = await median(
      () => producerPerformance(singleBroker(KAFKA_PORT), ONE_DAY_EVENTS),
      (r) => r,
    );
    const anchor = pp.median;
    console.log(
      `kafka: Kafka's ProducerPerformance, ${ONE_DAY_EVENTS.toLocaleString("en-US")} records ` +
        `of 26 bytes, acks=all, lz4: ${(anchor / 1e3).toFixed(0)} k records/s (median of ` +
        `${pp.all.map((r) => (r / 1e3).toFixed(0)).join(", ")}); the C++ ` +
        `reference producer: ${CPP_KAFKA_ONE_LOADED / 1e3}-${CPP_KAFKA_ONE / 1e3} k events/s`,
    );
    for (const perMessage of ["64", "1"]) {
      for (const securities of ["ONE:10000", THREE]) {
        const n = securities.split(",").length;
        const { f, rate, runs } = await kafkaCase(perMessage, securities, singleBroker(KAFKA_PORT));
        if (n === 1 && perMessage === "1") singleOne = rate;
        const cpp = n === 1 ? CPP_KAFKA_ONE : CPP_KAFKA_THREE;
        console.log(
          `${kafkaLine(`${n === 1 ? "1 security" : `${n} securities`}`, perMessage, f)}; ${
            (rate / cpp).toFixed(2)
          }x the C++ reference producer` +
            (n === 1 ? ` (${(rate / CPP_KAFKA_ONE_LOADED).toFixed(2)}x its loaded figure)` : "") +
            `, ${(rate / anchor).toFixed(2)}x Kafka's ProducerPerformance; ${runs}`,
        );
      }
    }
  } finally {
    await stopBroker(KAFKA_PORT);
  }
  const cluster = new KafkaCluster(KAFKA_CLUSTER_PORT);
  await cluster.start();
  try {
    const target = {
      brokers: cluster.brokers,
      brokerCpuSeconds: () => cluster.cpuSeconds(),
      replicationFactor: 3,
    };
    await warmUp(target);
    const anchor = (await median(() => producerPerformance(target, ONE_DAY_EVENTS), (r) => r))
      .median;
    for (const perMessage of ["64", "1"]) {
      const { f, rate, runs } = await kafkaCase(perMessage, "ONE:10000", target);
      console.log(
        `${kafkaLine("three brokers, RF 3, 1 security", perMessage, f)}; ` +
          (perMessage === "1" ? `${(rate / singleOne).toFixed(2)}x the single broker, ` : "") +
          `${(rate / anchor).toFixed(2)}x Kafka's ProducerPerformance on the three brokers ` +
          `(${(anchor / 1e3).toFixed(0)} k records/s); ${runs}`,
      );
    }
  } finally {
    await cluster.destroy();
  }
}

function kafkaLine(what: string, perMessage: string, f: KafkaFigures): string {
  return `kafka, ${what} x 1 day, ${perMessage} per message: ` +
    `${f.events.toLocaleString("en-US")} events in ${f.messages.toLocaleString("en-US")} ` +
    `messages (topic: ${f.topicMessages.toLocaleString("en-US")}), ` +
    `${f.seconds.toFixed(2)} s, ${(f.events / f.seconds / 1e6).toFixed(3)} M events/s, ` +
    `CPU ${f.cpuSeconds.toFixed(2)} s (brokers ${f.brokerCpuSeconds.toFixed(2)} s), ` +
    `peak RSS ${f.peakRssMiB.toFixed(0)} MiB`;
}

/**
 * Three securities paced at speed 100 on one thread (the CLI gives each its own worker, so this
 * is the harder case), writing files: how late each event is released against its schedule.
 */
async function pacing(): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_bench_" });
  const cfg = await runConfigFromArgs(
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

/**
 * ITCH: one default day generated, then converted to an ITCH file (best of five each, events/s
 * and the ratio); then a 1800-s session sent paced at speed 100 over loopback UDP: how late each
 * MoldUDP64 packet leaves against its first message's schedule.
 */
async function itch(): Promise<void> {
  const gens: number[] = [], convs: number[] = [];
  let dir = "", events = 0;
  for (let i = 0; i < 5; i++) {
    const run = await batch({ seed: "1", days: "1" });
    gens.push(run.seconds);
    if (dir) Deno.removeSync(run.dir, { recursive: true });
    else dir = run.dir;
    events = run.events;
  }
  const plan = feedPlan([dir]);
  let messages = 0, bytes = 0;
  for (let i = 0; i < 5; i++) {
    const out = Deno.makeTempDirSync({ prefix: "qrsdp_bench_itch_" });
    const t0 = performance.now();
    const stats = await feedFromFiles(plan, new ItchFileOutput(out, false), {
      lot: 100,
      realtime: false,
      speed: 1,
      stop: new StopFlag(),
    });
    convs.push((performance.now() - t0) / 1000);
    messages = stats.messages;
    bytes = stats.bytes;
    Deno.removeSync(out, { recursive: true });
  }
  const gen = Math.min(...gens), conv = Math.min(...convs);
  const rate = (s: number) => `${(events / s / 1e6).toFixed(2)} M events/s`;
  console.log(`itch: generate 1 day, seconds ${gens.map((s) => s.toFixed(2)).join(", ")}`);
  console.log(`itch: convert to ITCH, seconds ${convs.map((s) => s.toFixed(2)).join(", ")}`);
  console.log(
    `itch: ${events.toLocaleString("en-US")} events -> ${messages.toLocaleString("en-US")} ` +
      `messages, ${(bytes / 2 ** 20).toFixed(1)} MiB; best: generate ${rate(gen)}, convert ` +
      `${rate(conv)} (${(gen / conv).toFixed(2)}x generation)`,
  );
  Deno.removeSync(dir, { recursive: true });

  const paced = await batch({ seed: "2", days: "1", seconds: "1800" });
  const sink = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => sink.bind(0, "127.0.0.1", () => resolve()));
  sink.on("message", () => {});
  const udp = await UdpFeedOutput.open({
    endpoint: { host: "127.0.0.1", port: sink.address().port, multicast: false },
    packetSize: 1400,
    flushMs: 1,
    ttl: 1,
    ackWindow: 0,
    retransmit: null,
    faults: null,
    pcap: null,
  });
  await feedFromFiles(feedPlan([paced.dir]), udp, {
    lot: 100,
    realtime: true,
    speed: 100,
    stop: new StopFlag(),
  });
  await udp.close();
  sink.close();
  const late = udp.stats.lateness.sort((a, b) => a - b);
  const at = (q: number) => late[Math.min(late.length - 1, Math.floor(q * late.length))].toFixed(2);
  console.log(
    `itch, 1800 s at speed 100 over UDP: ${udp.stats.packets.toLocaleString("en-US")} packets, ` +
      `lateness p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${late[late.length - 1].toFixed(2)} ms`,
  );
  Deno.removeSync(paced.dir, { recursive: true });
}

/** Each export format over one default day: time, rate, size. */
async function exports(): Promise<void> {
  const { dir, events } = await batch({ seed: "3", days: "1" });
  for (const format of Object.keys(EXPORT_FORMATS)) {
    // Beside the run, not in it: an export into its input run directory is refused.
    const out = `${dir}.${format}`;
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
 * established tool's 0.35 s (a process, start included): through the CLI as a user runs it (wall
 * and CPU from bash's `time`), best of 5, then in this process, best of 7 (the first is the cold
 * one). On a busy machine the CPU seconds are the steadier figure.
 */
async function calibrateCase(): Promise<void> {
  const run = await batch({ seed: "5", days: "2" });
  const rate = (events: number, seconds: number) =>
    `${events.toLocaleString("en-US")} events in ${seconds.toFixed(3)} s: ` +
    `${(events / seconds / 1e6).toFixed(2)} M events/s, ` +
    `${(events / seconds / CPP_CALIBRATE).toFixed(2)}x the C++ tool`;
  const cliWall: number[] = [], cliCpu: number[] = [];
  const command = [Deno.execPath(), "run", "-A", MAIN.pathname, "calibrate", run.dir, "--compat"]
    .concat(["--output", `${run.dir}/curves.json`]).map((a) => `'${a}'`).join(" ");
  for (let i = 0; i < 5; i++) {
    const out = await new Deno.Command("bash", {
      args: ["-c", `TIMEFORMAT='%R %U %S'; time ${command} >/dev/null`],
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr).trim();
    if (out.code !== 0) throw new Error(err);
    const [wall, user, sys] = err.split("\n").pop()!.split(" ").map(Number);
    cliWall.push(wall);
    cliCpu.push(user + sys);
  }
  const files = expandInputs([run.dir]);
  const wall: number[] = [], cpu: number[] = [];
  let events = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now(), c0 = process.cpuUsage();
    events = calibrate({
      files,
      levels: null,
      nMax: 100,
      spreadSensitivity: 0.3,
      imbalanceSensitivity: 1,
      compat: true,
      censored: false,
    }, () => {}).events;
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 1000);
    cpu.push((c.user + c.system) / 1e6);
  }
  Deno.removeSync(run.dir, { recursive: true });
  const list = (xs: number[]) => xs.map((t) => t.toFixed(3)).join(", ");
  console.log(
    `calibrate, CLI (process start included): wall ${list(cliWall)}; CPU ${list(cliCpu)}`,
  );
  console.log(`calibrate, in process: wall ${list(wall)}; CPU ${list(cpu)}`);
  console.log(`calibrate 2 days, CLI, best wall:        ${rate(events, Math.min(...cliWall))}`);
  console.log(`calibrate 2 days, CLI, best CPU:         ${rate(events, Math.min(...cliCpu))}`);
  console.log(`calibrate 2 days, in process, best wall: ${rate(events, Math.min(...wall))}`);
  console.log(`calibrate 2 days, in process, cold wall: ${rate(events, wall[0])}`);
  console.log(`calibrate: peak RSS ${peakRssMiB()} (in process)`);
}

/**
 * `run --seconds 1` with 500 and 10,000 securities: the time per security must not grow with
 * their number (the manifest was rewritten whole at every session's start and end: quadratic).
 */
async function manyCase(): Promise<void> {
  const perSecurity: number[] = [];
  for (const n of [500, 10_000]) {
    const securities = Array.from({ length: n }, (_, i) => `S${i}:10000`).join(",");
    const best = [];
    for (let rep = 0; rep < (n > 1000 ? 1 : 3); rep++) {
      const run = await batch({ seconds: "1", securities });
      best.push(run.seconds);
      Deno.removeSync(run.dir, { recursive: true });
    }
    const seconds = Math.min(...best);
    perSecurity.push(seconds / n * 1000);
    console.log(
      `run --seconds 1, ${n.toLocaleString("en-US")} securities: ${seconds.toFixed(2)} s, ` +
        `${(seconds / n * 1000).toFixed(2)} ms per security`,
    );
  }
  console.log(`per security, 10,000 / 500: ${(perSecurity[1] / perSecurity[0]).toFixed(2)}x`);
}

/** The C++ producer's wall time for 3 securities x 1 day on 2 cores (its three threads). */
const CPP_WIDE_SECONDS = 0.84;

/**
 * A short, wide run: 3 securities x 1 day, the whole `qrsdp run` process timed, best of 5,
 * against the C++ producer's wall time.
 */
async function wide(): Promise<void> {
  const times: number[] = [];
  let cpu = 0;
  for (let i = 0; i < 5; i++) {
    const dir = Deno.makeTempDirSync({ prefix: "qrsdp_bench_" });
    const t0 = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        ...["run", "-A", ...programV8Flags(), new URL("./cli_child.ts", import.meta.url).pathname],
        ...["run", "--seed", "1", "--days", "1", "--securities", THREE, "--output", dir, "--quiet"],
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    times.push((performance.now() - t0) / 1000);
    Deno.removeSync(dir, { recursive: true });
    const child = /^bench-child (.*)$/m.exec(new TextDecoder().decode(out.stderr));
    if (out.code !== 0 || !child) throw new Error(`qrsdp run failed (${out.code})`);
    if (times.at(-1) === Math.min(...times)) cpu = JSON.parse(child[1]).cpuSeconds;
  }
  const best = Math.min(...times);
  console.log(
    `wide: 3 securities x 1 day on ${navigator.hardwareConcurrency} cores, whole process: ` +
      `${times.map((t) => t.toFixed(2)).join(", ")} s; best ${best.toFixed(2)} s (CPU ` +
      `${cpu.toFixed(2)} s), ${(best / CPP_WIDE_SECONDS).toFixed(2)}x the C++ producer's ` +
      `${CPP_WIDE_SECONDS} s wall`,
  );
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
  wide: wide,
  days1: () => writeAndRead("memory: 1 security x 1 day", { seed: "2", days: "1", workers: "1" }),
  days5: () => writeAndRead("memory: 1 security x 5 days", { seed: "2", days: "5", workers: "1" }),
  kafka,
  pacing,
  read: readDay,
  info: infoDay,
  read15,
  startup,
  writes,
  parts: writeParts,
  export: exports,
  calibrate: calibrateCase,
  calibrate_itch: calibrateItchCase,
  calibrate_itch_day: calibrateItchDayCase,
  calibrate_lobster: calibrateLobsterCase,
  serve: serveReplay,
  itch,
  market: fullMarket,
  many: manyCase,
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
