/**
 * `deno task bench`: throughput and memory of batch generation, against the C++ producer's
 * figures (3.5 M events/s for one security over a default day, written and read back; 6.3 M
 * events/s for three securities over five days). Prints figures and ratios; asserts nothing.
 */
import { runConfigFromFlags } from "../../src/cli/run_options.ts";
import { QrsdpReader } from "../../src/format/reader.ts";
import { executeRun } from "../../src/run/run.ts";
import { StopFlag } from "../../src/run/stop.ts";
import { qrsdpFiles } from "../helpers.ts";

const CPP_ONE = 3.5e6;
const CPP_THREE = 6.3e6;
const MAIN = new URL("../../main.ts", import.meta.url);

function peakRssMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

interface Figures {
  events: number;
  seconds: number;
  bytes: number;
}

async function batch(flags: Record<string, string>): Promise<Figures & { dir: string }> {
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_bench_" });
  const cfg = runConfigFromFlags({ ...flags, output: dir }, () => undefined);
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

const only = Deno.args[0];

if (!only || only === "one") {
  const one = await batch({ seed: "1", days: "1" });
  const back = readBack(one.dir);
  line("1 security x 1 day: write", one);
  line("1 security x 1 day: read back", back);
  line("1 security x 1 day: write + read", {
    events: one.events,
    seconds: one.seconds + back.seconds,
    bytes: one.bytes,
  }, CPP_ONE);
  console.log(`peak RSS so far: ${peakRssMiB().toFixed(0)} MiB`);
  Deno.removeSync(one.dir, { recursive: true });
}

if (!only || only === "three") {
  const three = await batch({ seed: "1", days: "5", securities: "AAA:10000,BBB:15000,CCC:20000" });
  line("3 securities x 5 days: write", three, CPP_THREE);
  const back = readBack(three.dir);
  line("3 securities x 5 days: read back", back);
  console.log(`peak RSS so far: ${peakRssMiB().toFixed(0)} MiB`);
  Deno.removeSync(three.dir, { recursive: true });
}
