import { KafkaSink } from "../sinks/kafka_sink.ts";
import { replayPlan, replaySecurity } from "../run/replay.ts";
import { StopFlag } from "../run/stop.ts";
import { DataError, UsageError } from "../core/errors.ts";
import { kafkaCountsText, thousands } from "./format.ts";
import { UNNAMED_KEY } from "../kafka/message.ts";
import { flags, parseCommand } from "./flags.ts";
import { kafkaProducerFlags, requiredKafkaFromFlags } from "./kafka_flags.ts";
import { PACING_FLAGS, pacingFromFlags } from "./pacing_flags.ts";
import { onStopSignals } from "./signals.ts";

const REPLAY_COMMAND = {
  name: "replay",
  maxPositionals: 1,
  summary: "publish recorded sessions to Kafka, as fast as possible or paced",
  usage: "qrsdp replay RUN_DIR|FILE.qrsdp --kafka-brokers HOST:PORT [flags]",
  flags: flags({
    symbol: {
      type: "string",
      default: UNNAMED_KEY,
      help: "message key when replaying a single file",
    },
    ...PACING_FLAGS,
    ...kafkaProducerFlags("required", "reading"),
  }),
  notes:
    `A run directory replays every security of its manifest at once (keys = symbols, date header =
session date); a single file needs its name to be DATE.qrsdp. Environment as for 'qrsdp run'.`,
};

export async function replayCommand(args: string[]): Promise<number> {
  const parsed = await parseCommand(REPLAY_COMMAND, args);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError("give one run directory or .qrsdp file");
  const path = positionals[0].replace(/\/+$/, "");
  const kafka = requiredKafkaFromFlags(values);
  const pacing = pacingFromFlags(values);
  let isDirectory: boolean;
  try {
    isDirectory = Deno.statSync(path).isDirectory;
  } catch (e) {
    throw new DataError(`cannot read (${(e as Error).message})`, { source: path });
  }
  const plan = replayPlan(path, isDirectory, values.symbol);
  if (plan.some((sessions) => sessions.some((s) => !s.date))) {
    throw new UsageError(
      `${path}: a single file must be named YYYY-MM-DD.qrsdp (its trading date)`,
    );
  }
  const stop = new StopFlag();
  const removeSignals = onStopSignals(() => {
    stop.request();
    console.error("qrsdp: stopping (a second signal exits at once)");
  });
  const started = performance.now();
  let ok = true;
  try {
    const results = await Promise.all(plan.map(async (sessions) => {
      const sink = new KafkaSink(kafka);
      // Unreachable, the sink counts every event as not acknowledged: the summary says how many.
      await sink.connect(stop);
      const replayed = await replaySecurity(sessions, sink, stop, pacing);
      return { ...replayed, report: await sink.close(), symbol: sessions[0]?.symbol };
    }));
    const seconds = (performance.now() - started) / 1000;
    for (const { report, symbol } of results) {
      for (const c of report.bySymbol ?? []) console.log(kafkaCountsText(c));
      if (report.failures > 0) {
        ok = false;
        console.error(`qrsdp replay: ${symbol ?? "-"}: ${report.firstError}`);
      }
    }
    for (const problem of results.flatMap((r) => r.problems)) {
      ok = false;
      console.error(`qrsdp replay: ${problem} (replayed what precedes it)`);
    }
    const total = results.reduce((n, r) => n + r.sent, 0);
    console.log(
      `total: ${thousands(total)} events in ${seconds.toFixed(2)} s, ${
        thousands(total / seconds)
      } events/s`,
    );
  } finally {
    removeSignals();
  }
  return ok ? 0 : 1;
}
