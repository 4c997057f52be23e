/**
 * A full market: N securities x 60 s in one `run`, then one `qrsdp itch` of it, timed at the
 * command line; the cost per security at the largest N against the smallest (the target: within
 * 2x). Each day file is then rebuilt by itch-book (an independent C++ ITCH book builder,
 * itch_book.ts) and by the test decoder: their messages and missing and duplicate references (the
 * target: the feed's own count of messages, 0 and 0). Up to 1,000 securities each command is
 * timed three times and the fastest kept: a run of a few tenths of a second is what a busy machine
 * disturbs most. QRSDP_BENCH_MARKET=100,1000 chooses the sizes (default 100,8000).
 */
import { BookBuilder, decodeMessage } from "../itch/decoder.ts";
import { itchBookRebuild } from "./itch_book.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** The test decoder's book over a day file, streamed: its unknown and duplicate references. */
async function decodeStreamed(path: string): Promise<BookBuilder> {
  const builder = new BookBuilder();
  const file = await Deno.open(path);
  let carry = new Uint8Array(0);
  try {
    for await (const chunk of file.readable) {
      const b = new Uint8Array(carry.length + chunk.length);
      b.set(carry);
      b.set(chunk, carry.length);
      let o = 0;
      while (o + 2 <= b.length && o + 2 + ((b[o] << 8) | b[o + 1]) <= b.length) {
        const n = (b[o] << 8) | b[o + 1];
        builder.apply(decodeMessage(b.subarray(o + 2, o + 2 + n)));
        o += 2 + n;
      }
      carry = b.slice(o);
    }
  } finally {
    try {
      file.close();
    } catch {
      // The stream closed it.
    }
  }
  if (carry.length) throw new Error(`${path}: ${carry.length} bytes after the last message`);
  return builder;
}

/** A symbol of 4 letters for each i (AAAA, AAAB, ...), and an opening price of its own. */
function securitiesFile(path: string, n: number): void {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    let name = "", k = i;
    for (let c = 0; c < 4; c++, k = Math.floor(k / 26)) {
      name = String.fromCharCode(65 + k % 26) + name;
    }
    lines.push(`${name}:${5000 + (i * 7919) % 45000}`);
  }
  Deno.writeTextFileSync(path, lines.join("\n") + "\n");
}

/** CPU seconds of this process's waited-for children (Linux: /proc/self/stat, 100 ticks a second). */
function childrenCpu(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  // cutime and cstime are fields 16 and 17 of stat(5), 14 and 15 after the command name.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Wall and CPU seconds of a command, and what it printed. */
async function timed(args: string[]): Promise<{ seconds: number; cpu: number; said: string }> {
  const started = performance.now(), cpu0 = childrenCpu();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--max-semi-space-size=8", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (out.code !== 0) throw new Error(text.decode(out.stderr));
  const seconds = (performance.now() - started) / 1000;
  const cpu = childrenCpu() - cpu0;
  return { seconds, cpu, said: text.decode(out.stdout) + text.decode(out.stderr) };
}

interface Cost {
  wall: number;
  cpu: number;
}

/** The fastest of `times` runs of a command writing `output` (removed before each but the first). */
async function fastest(times: number, args: string[], output: string) {
  let best = await timed(args);
  for (let i = 1; i < times; i++) {
    Deno.removeSync(output, { recursive: true });
    const t = await timed(args);
    if (t.seconds < best.seconds) best = t;
  }
  return best;
}

export async function fullMarket(): Promise<void> {
  const sizes = (Deno.env.get("QRSDP_BENCH_MARKET") ?? "100,8000").split(",").map(Number);
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_bench_market_" });
  /** Milliseconds a security, wall and CPU, of each command at each size. */
  const perSecurity: { n: number; run: Cost; itch: Cost }[] = [];
  try {
    for (const n of sizes) {
      securitiesFile(`${dir}/s${n}.txt`, n);
      const times = n <= 1000 ? 3 : 1;
      const run = await fastest(times, [
        "run",
        "--securities",
        `@${dir}/s${n}.txt`,
        "--seconds",
        "60",
        "--output",
        `${dir}/run${n}`,
        "--quiet",
      ], `${dir}/run${n}`);
      const itch = await fastest(times, [
        "itch",
        `${dir}/run${n}`,
        "--output",
        `${dir}/itch${n}`,
        "--quiet",
      ], `${dir}/itch${n}`);
      const messages = Number(/([\d,]+) messages/.exec(itch.said)?.[1].replaceAll(",", ""));
      const cost = (t: { seconds: number; cpu: number }) => ({
        wall: t.seconds / n * 1000,
        cpu: t.cpu / n * 1000,
      });
      perSecurity.push({ n, run: cost(run), itch: cost(itch) });
      const said = (t: { seconds: number; cpu: number }) =>
        `${t.seconds.toFixed(1)} s, CPU ${t.cpu.toFixed(1)} s (${cost(t).wall.toFixed(1)} ms a ` +
        `security, CPU ${cost(t).cpu.toFixed(1)} ms)`;
      console.log(`full market ${n} securities x 60 s: run ${said(run)}, itch ${said(itch)}`);
      const file = `${dir}/itch${n}/20260102.qrsdp_ITCH50`;
      const rebuilt = await itchBookRebuild(file);
      console.log(
        `full market ${n}: itch-book rebuilds ${rebuilt.messages} messages (the feed wrote ${messages}) ` +
          `in ${rebuilt.wall.toFixed(1)} s: ${rebuilt.missing_refs} missing and ` +
          `${rebuilt.duplicate_refs} duplicate references, ${rebuilt.crossed_books} books crossed, ` +
          `${rebuilt.malformed} malformed, ${rebuilt.pending_bytes} bytes left over`,
      );
      const book = await decodeStreamed(file);
      console.log(
        `full market ${n}: the test decoder finds ${book.unknownRefs} unknown and ${book.duplicateRefs} duplicate references`,
      );
      Deno.removeSync(`${dir}/run${n}`, { recursive: true });
      Deno.removeSync(`${dir}/itch${n}`, { recursive: true });
    }
    const first = perSecurity[0], last = perSecurity[perSecurity.length - 1];
    const ratio = (k: "run" | "itch") =>
      `${(last[k].wall / first[k].wall).toFixed(2)}x (CPU ${
        (last[k].cpu / first[k].cpu).toFixed(2)
      }x)`;
    console.log(
      `full market, cost a security at ${last.n} / at ${first.n}: run ${ratio("run")}, itch ${
        ratio("itch")
      } (target: within 2x)`,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}
