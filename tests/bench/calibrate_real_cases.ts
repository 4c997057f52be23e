/**
 * Bench cases of calibration from real-data formats, on files our own tools write:
 * - calibrate_itch: `calibrate --itch` of one security from a >= 1 GB ITCH 5.0 file of twelve
 *   securities (`qrsdp itch` of a 12-security day), against itch-book (PyPI, an independent C++
 *   ITCH book builder) rebuilding every book of the same file (tests/bench/itch_book.ts: the
 *   analysis venv's itch-book, or ITCH_BOOK_PYTHON's). Peak RSS here and
 *   in calibrate_itch_day (one security-day, 13x smaller) shows whether memory is flat.
 * - calibrate_lobster: `calibrate --lobster` of a day's LOBSTER pair, messages alone and with the
 *   orderbook file (its rows checked in a worker thread started from main.ts, as the CLI does: the
 *   CPU figure includes that thread's time).
 * Each prints wall and CPU seconds (the machine is shared: CPU time is the steadier figure) and
 * rates per message; nothing is asserted. QRSDP_BENCH_DIR keeps the generated files between runs.
 */
import { calibrateItch } from "../../src/calibrate/itch_calibrate.ts";
import { calibrateLobster, lobsterPairs } from "../../src/calibrate/lobster_calibrate.ts";
import type { RealSettings } from "../../src/calibrate/real_calibrate.ts";
import { itchBookRebuild } from "./itch_book.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const TWELVE = Array.from({ length: 12 }, (_, i) => `S${i + 1}:${10000 + 100 * i}`).join(",");
const SETTINGS: RealSettings = {
  levels: 5,
  nMax: 100,
  tick: 100,
  unit: "aes",
  lot: 1,
  spreadSensitivity: 0,
  imbalanceSensitivity: 0,
};

function cpuSeconds(): number {
  const f = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

function peakRssMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function cli(args: string[]): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["run", "-A", MAIN, ...args] })
    .output();
  if (out.code !== 0) throw new Error(`${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
}

function workDir(): string {
  const dir = Deno.env.get("QRSDP_BENCH_DIR") ?? Deno.makeTempDirSync({ prefix: "qrsdp_bench_" });
  Deno.mkdirSync(dir, { recursive: true });
  return dir;
}

const exists = (path: string) => {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
};

/** The day's ITCH file of a run of `securities` (made once per work dir). */
async function itchFile(dir: string, name: string, securities: string): Promise<string> {
  const file = `${dir}/${name}_itch/20260102.qrsdp_ITCH50`;
  if (!exists(file)) {
    await cli([
      "run",
      "--securities",
      securities,
      "--days",
      "1",
      "--quiet",
      "--output",
      `${dir}/${name}`,
    ]);
    await cli(["itch", `${dir}/${name}`, "--output", `${dir}/${name}_itch`]);
  }
  return file;
}

async function timeOurs(file: string, symbol: string) {
  const c0 = cpuSeconds(), t0 = performance.now();
  const result = (await calibrateItch(file, [symbol], SETTINGS)).get(symbol)!;
  return { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0, events: result.events };
}

export async function calibrateItchCase(): Promise<void> {
  const dir = workDir();
  const file = await itchFile(dir, "twelve", TWELVE);
  const size = Deno.statSync(file).size;
  let messages = 0, rss = 0;
  const ours: { wall: number; cpu: number }[] = [], theirs: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const o = await timeOurs(file, "S5");
    ours.push(o);
    if (i === 0) rss = peakRssMiB(); // of one calibration, as calibrate_itch_day's
    const t = await itchBookRebuild(file);
    theirs.push(t);
    messages = t.messages;
  }
  const best = (xs: { wall: number; cpu: number }[], k: "wall" | "cpu") =>
    Math.min(...xs.map((x) => x[k]));
  console.log(
    `calibrate_itch: ${(size / 2 ** 30).toFixed(2)} GiB, 12 securities, one calibrated; ours ` +
      `wall ${ours.map((x) => x.wall.toFixed(2)).join(", ")} s, CPU ${
        ours.map((x) => x.cpu.toFixed(2)).join(", ")
      } s; peak RSS ${rss.toFixed(0)} MiB`,
  );
  const rate = (s: number) => `${(messages / s / 1e6).toFixed(1)} M messages/s`;
  console.log(
    `calibrate_itch: itch-book rebuild wall ${
      theirs.map((x) => x.wall.toFixed(2)).join(", ")
    } s, ` +
      `CPU ${theirs.map((x) => x.cpu.toFixed(2)).join(", ")} s`,
  );
  for (const k of ["wall", "cpu"] as const) {
    console.log(
      `calibrate_itch, best ${k}: ours ${rate(best(ours, k))}, itch-book ${
        rate(best(theirs, k))
      }: ${(best(theirs, k) / best(ours, k)).toFixed(2)}x`,
    );
  }
}

export async function calibrateItchDayCase(): Promise<void> {
  const dir = workDir();
  const file = await itchFile(dir, "one", "S5:10400");
  const o = await timeOurs(file, "S5");
  console.log(
    `calibrate_itch_day: ${(Deno.statSync(file).size / 2 ** 20).toFixed(0)} MiB, one security: ` +
      `wall ${o.wall.toFixed(2)} s, CPU ${o.cpu.toFixed(2)} s; peak RSS ${
        peakRssMiB().toFixed(0)
      } MiB`,
  );
}

export async function calibrateLobsterCase(): Promise<void> {
  const dir = workDir();
  if (!exists(`${dir}/lobster`)) {
    await cli(["run", "--days", "1", "--quiet", "--output", `${dir}/lobster_run`]);
    await cli([
      "export",
      `${dir}/lobster_run`,
      "--format",
      "lobster",
      "--output",
      `${dir}/lobster`,
      "--quiet",
    ]);
  }
  const [pair] = lobsterPairs([`${dir}/lobster`]);
  for (
    const [label, p] of [["messages alone", { ...pair, orderbook: null }], [
      "with orderbook",
      pair,
    ]] as const
  ) {
    const walls: number[] = [], cpus: number[] = [];
    let messages = 0;
    for (let i = 0; i < 3; i++) {
      const c0 = cpuSeconds(), t0 = performance.now();
      messages = (await calibrateLobster([p], SETTINGS, new URL("../../main.ts", import.meta.url)))
        .messages;
      walls.push((performance.now() - t0) / 1000);
      cpus.push(cpuSeconds() - c0);
    }
    console.log(
      `calibrate_lobster, ${label}: ${messages.toLocaleString("en-US")} messages; best wall ${
        (messages / Math.min(...walls) / 1e6).toFixed(2)
      } M/s, best CPU ${(messages / Math.min(...cpus) / 1e6).toFixed(2)} M/s; peak RSS ${
        peakRssMiB().toFixed(0)
      } MiB`,
    );
  }
}
