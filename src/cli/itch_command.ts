import { openFeedOutputs } from "./feed_outputs.ts";
import { senderSummary } from "./feed_summary.ts";
import { checkPlan, feedFromFiles } from "../itch/feed_files.ts";
import type { FeedStats } from "../itch/feed_files.ts";
import { feedOrderSizes, feedPlan } from "../itch/feed_plan.ts";
import { itchEntryKind } from "../itch/itch_file.ts";
import { ItchPriceError } from "../itch/order_image.ts";
import { StopFlag } from "../run/stop.ts";
import { DataError, UsageError, WriteError } from "../core/errors.ts";
import { checkOutputPath } from "../core/output_path.ts";
import { claimOutputDir } from "../core/output_dir.ts";
import { inputRunDirs } from "../format/input.ts";
import { thousands } from "./format.ts";
import { flags, NO_VERIFY_FLAG, parseCommand } from "./flags.ts";
import { LOT_SIZE_FLAG, UDP_FEED_FLAGS, udpFeedFromFlags } from "./itch_flags.ts";
import { PACING_FLAGS } from "./pacing_flags.ts";
import { onStopSignals } from "./signals.ts";

const ITCH_COMMAND = {
  name: "itch",
  maxPositionals: Infinity,
  summary: "turn recorded sessions into a NASDAQ TotalView-ITCH 5.0 feed",
  usage:
    "qrsdp itch RUN_DIR|FILE.qrsdp... (--output DIR | --udp HOST:PORT | --multicast GROUP:PORT)",
  flags: flags({
    output: { type: "string", help: "folder for the daily ITCH 5.0 files" },
    gzip: { type: "boolean", help: "gzip the files (YYYYMMDD.qrsdp_ITCH50.gz)" },
    force: {
      type: "boolean",
      help: "replace an unfinished feed in --output (finished daily files are replaced anyway)",
    },
    "no-verify": NO_VERIFY_FLAG,
    "lot-size": LOT_SIZE_FLAG,
    ...UDP_FEED_FLAGS,
    realtime: PACING_FLAGS.realtime,
    speed: PACING_FLAGS.speed,
    quiet: { type: "boolean", help: "no line per file written" },
  }),
  notes: `One ITCH 5.0 file per trading date (YYYYMMDD.qrsdp_ITCH50), every security merged by time,
and/or the same messages in MoldUDP64 packets over UDP (session Q+YYYYMMDD+A per day, sequence
numbers from 1, heartbeats after 1 s idle, end of session after each day's C).

The feed is an order-level image of the book replayed from the records: every unit of depth is
one order of --lot-size shares. The log does not record reinitialisations, so for a run with
--theta-reinit > 0 the feed shows the replayed book, not the generator's. Symbols must be 1-8 of
A-Z 0-9 '.' space (the unnamed security is DEFAULT) and prices must fit ITCH's u32: both are
checked before anything is written. The same inputs and flags give the same bytes. A file is
written under a temporary name and renamed when its day is complete.

--output must be empty, new, or hold only daily files of a previous feed (replaced, with a note
on stderr); anything else there is refused, as is a folder inside an input run directory. Every
chunk is checked before its records go on the feed: a damaged input (a chunk failing its
checksum, a file cut short or never closed) gives its records before the damage, is named with
its byte offset, and the exit status is 1.

UDP: each end of session is sent again 3 times, 100 ms apart. --retransmit [HOST:]PORT answers
MoldUDP64 re-requests (session, sequence, count) from the last --retransmit-buffer messages, at
most 64 packets a request; a request for what has left the buffer gets nothing and is counted;
after the feed it serves until no request came for --retransmit-linger seconds. --drop,
--duplicate, --reorder, --burst-loss and --delay damage the packets on the wire on purpose (not
those kept for re-requests), each decision a hash of --fault-seed, the session and the sequence
number: the same packets get the same faults. --pcap FILE writes the packets as they leave.
The summary says what was injected and what was re-sent.`,
};

export async function itchCommand(args: string[]): Promise<number> {
  const parsed = await parseCommand(ITCH_COMMAND, args);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError("give run directories or .qrsdp files");
  const lot = values["lot-size"];
  const speed = values.speed;
  const udp = udpFeedFromFlags(values);
  const dir = values.output?.replace(/(.)\/+$/, "$1");
  if (dir === undefined && !udp) {
    throw new UsageError("give --output DIR, --udp HOST:PORT or --multicast GROUP:PORT");
  }
  const plan = feedPlan(positionals);
  if (plan.length === 0) throw new UsageError("the inputs hold no sessions");
  const checked = checkPlan(plan);
  if (dir !== undefined) {
    checkOutputPath(dir, "--output", { inputs: inputRunDirs(positionals) });
    claimOutputDir(dir, {
      flag: "--output",
      force: values.force,
      kind: itchEntryKind,
      note: (line) => console.error(`qrsdp itch: ${line}`),
    });
  }
  const { output, files, sender } = await openFeedOutputs(
    udp,
    dir !== undefined ? { flag: "--output", dir, gzip: values.gzip } : null,
  );
  const stop = new StopFlag();
  const removeSignals = onStopSignals(() => {
    stop.request();
    console.error("qrsdp: stopping (a second signal exits at once)");
  });
  const started = performance.now();
  let stats: FeedStats;
  try {
    stats = await feedFromFiles(plan, output, {
      lot,
      sizes: feedOrderSizes(positionals),
      realtime: values.realtime,
      speed,
      stop,
      batchBytes: sender ? 8 * udp!.packetSize : undefined,
      verify: !values["no-verify"],
      onWarning: (m) => console.error(`qrsdp itch: ${m}`),
    }, checked);
    await output.close();
  } catch (e) {
    await Promise.resolve().then(() => output.close()).catch(() => {});
    if (e instanceof WriteError || e instanceof ItchPriceError) {
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
  if (!values.quiet) {
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
    parts.push(...senderSummary(s));
  }
  console.log(`total: ${parts.join(", ")}${stats.stopped ? " (stopped early)" : ""}`);
  return stats.damaged.length > 0 ? 1 : 0;
}

export function latenessText(ms: number[]): string {
  const sorted = ms.slice().sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return `p50 ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms, max ${
    sorted[sorted.length - 1].toFixed(2)
  } ms`;
}
