import { feedFromFiles } from "../itch/feed_files.ts";
import type { FeedStats } from "../itch/feed_files.ts";
import type { FeedOutput } from "../itch/feed_output.ts";
import { TeeOutput } from "../itch/feed_output.ts";
import { feedPlan } from "../itch/feed_plan.ts";
import { ItchFileError, ItchFileOutput } from "../itch/itch_file.ts";
import { ItchPriceError } from "../itch/order_image.ts";
import { MIN_PACKET_SIZE } from "../itch/moldudp64.ts";
import { UdpFeedOutput } from "../itch/udp_output.ts";
import { StopFlag } from "../run/stop.ts";
import { DataError, UsageError } from "./errors.ts";
import { thousands } from "./format.ts";
import { flagHelp } from "./help.ts";
import { udpFeedFlags, udpFeedOptions } from "./itch_options.ts";
import { parseFlags, parseNumber } from "./parse.ts";
import { onStopSignals } from "./signals.ts";

const FLAGS = {
  output: { type: "string", default: "", help: "folder for the daily ITCH 5.0 files" },
  gzip: { type: "boolean", default: false, help: "gzip the files (YYYYMMDD.qrsdp_ITCH50.gz)" },
  "lot-size": { type: "string", default: "100", help: "shares per order (one unit of depth)" },
  ...udpFeedFlags,
  realtime: { type: "boolean", default: false, help: "release messages at their events' times" },
  speed: {
    type: "string",
    default: "100",
    help: "with --realtime: simulated seconds per wall second",
  },
  quiet: { type: "boolean", default: false, help: "no per-day lines" },
  help: { type: "boolean", default: false, help: "show this help" },
} as const;

const HELP = `qrsdp itch: turn recorded sessions into a NASDAQ TotalView-ITCH 5.0 feed

Usage: qrsdp itch RUN_DIR|FILE.qrsdp... (--output DIR | --udp HOST:PORT | --multicast GROUP:PORT)

${flagHelp(FLAGS)}

One ITCH 5.0 file per trading date (YYYYMMDD.qrsdp_ITCH50), every security merged by time, and/or
the same messages in MoldUDP64 packets over UDP (session Q+YYYYMMDD+A per day, heartbeats after
1 s idle, end of session after each day). The feed is an order-level image of the book replayed
from the records: every unit of depth is one order of --lot-size shares. The log does not record
reinitialisations, so for a run with --theta-reinit > 0 the feed shows the replayed book, not the
generator's. Symbols must be 1-8 of A-Z 0-9 '.' space (the unnamed security is DEFAULT), prices
must fit ITCH's u32: checked before anything is written. The same inputs and flags give the same
bytes. A file is written under a temporary name and renamed when its day is complete.`;

export async function itchCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS, "itch");
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("give run directories or .qrsdp files");
  const lot = parseNumber("--lot-size", values["lot-size"] ?? "100", {
    integer: true,
    min: 1,
    max: 0xffffffff,
  });
  const speed = parseNumber("--speed", values.speed ?? "100", { min: 0, minExclusive: true });
  const udp = udpFeedOptions(values);
  const dir = values.output?.replace(/(.)\/+$/, "$1");
  if (!dir && !udp) {
    throw new UsageError("give --output DIR, --udp HOST:PORT or --multicast GROUP:PORT");
  }
  const plan = feedPlan(positionals);
  if (plan.length === 0) throw new UsageError("the inputs hold no sessions");
  const outputs: FeedOutput[] = [];
  let files: ItchFileOutput | null = null;
  if (dir) {
    try {
      Deno.mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new DataError(`--output: cannot create ${dir} (${(e as Error).message})`);
    }
    outputs.push(files = new ItchFileOutput(dir, values.gzip === true));
  }
  let sender: UdpFeedOutput | null = null;
  if (udp) {
    if (udp.packetSize < MIN_PACKET_SIZE) {
      throw new UsageError(`--packet-size: must be at least ${MIN_PACKET_SIZE}`);
    }
    try {
      sender = await UdpFeedOutput.open(udp);
    } catch (e) {
      throw new UsageError(`${udp.flag}: ${(e as Error).message}`);
    }
    outputs.push(sender);
  }
  const stop = new StopFlag();
  const removeSignals = onStopSignals(() => {
    stop.request();
    console.error("qrsdp: stopping (a second signal exits at once)");
  });
  const started = performance.now();
  let stats: FeedStats;
  const output = outputs.length === 1 ? outputs[0] : new TeeOutput(outputs);
  try {
    stats = await feedFromFiles(plan, output, {
      lot,
      realtime: values.realtime === true,
      speed,
      stop,
      batchBytes: sender ? 8 * udp!.packetSize : undefined,
      onWarning: (m) => console.error(`qrsdp itch: ${m}`),
    });
    await output.close();
  } catch (e) {
    if (e instanceof ItchFileError || e instanceof ItchPriceError) {
      console.error(`qrsdp itch: ${e.message}`);
      return 1;
    }
    if (sender && !(e instanceof UsageError || e instanceof DataError)) {
      console.error(`qrsdp itch: ${udp!.flag}: ${(e as Error).message}`);
      return 1;
    }
    throw e;
  } finally {
    removeSignals();
  }
  const seconds = (performance.now() - started) / 1000;
  if (values.quiet !== true) {
    for (const path of files?.written ?? []) console.log(`${path}`);
  }
  const parts = [
    `${stats.days} day(s)`,
    `${thousands(stats.records)} events`,
    `${thousands(stats.messages)} messages`,
    `${thousands(stats.bytes)} bytes`,
    `${seconds.toFixed(2)} s`,
    `${thousands(stats.records / seconds)} events/s`,
  ];
  if (sender) {
    const s = sender.stats;
    parts.push(`${thousands(s.packets)} packets`, `${s.heartbeats} heartbeats`);
    if (udp!.ackWindow > 0) parts.push(`${thousands(s.acks)} acknowledgements`);
    if (s.lateness.length > 0) parts.push(`packet lateness ${latenessText(s.lateness)}`);
  }
  console.log(`total: ${parts.join(", ")}${stats.stopped ? " (stopped early)" : ""}`);
  return 0;
}

export function latenessText(ms: number[]): string {
  const sorted = ms.slice().sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return `p50 ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms, max ${
    sorted[sorted.length - 1].toFixed(2)
  } ms`;
}
