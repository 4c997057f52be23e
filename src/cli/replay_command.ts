import { KafkaSink } from "../sinks/kafka_sink.ts";
import { replayPlan, replaySecurity } from "../run/replay.ts";
import { StopFlag } from "../run/stop.ts";
import { DataError, UsageError } from "./errors.ts";
import { kafkaCountsText, thousands } from "./format.ts";
import { flagHelp } from "./help.ts";
import { kafkaFlags, kafkaSettings } from "./kafka_options.ts";
import { parseFlags, parseNumber } from "./parse.ts";
import { onStopSignals } from "./signals.ts";

const FLAGS = {
  symbol: { type: "string", default: "DEFAULT", help: "message key when replaying a single file" },
  realtime: { type: "boolean", default: false, help: "pace events to their timestamps" },
  speed: {
    type: "string",
    default: "100",
    help: "with --realtime: simulated seconds per wall second",
  },
  "overnight-seconds": {
    type: "string",
    default: "3",
    help: "with --realtime: pause between days",
  },
  ...kafkaFlags("required", "reading"),
  help: { type: "boolean", default: false, help: "show this help" },
} as const;

const HELP = `qrsdp replay: publish recorded sessions to Kafka, as fast as possible or paced

Usage: qrsdp replay RUN_DIR|FILE.qrsdp --kafka-brokers HOST:PORT [flags]

${flagHelp(FLAGS)}

A run directory replays every security of its manifest at once (keys = symbols, date header =
session date); a single file needs its name to be DATE.qrsdp. Environment as for 'qrsdp run'.`;

export async function replayCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS, "replay");
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("give one run directory or .qrsdp file");
  const path = positionals[0].replace(/\/+$/, "");
  const env = (n: string) => Deno.env.get(n);
  const kafka = kafkaSettings({
    brokers: values["kafka-brokers"],
    topic: values["kafka-topic"],
    maxInFlight: parseNumber("--kafka-max-in-flight", values["kafka-max-in-flight"] ?? "100000", {
      integer: true,
      min: 1,
    }),
    timeoutSeconds: parseNumber("--kafka-timeout", values["kafka-timeout"] ?? "30", { min: 0 }),
    recordsPerMessage: values["kafka-records-per-message"],
    lingerMs: parseNumber("--kafka-linger-ms", values["kafka-linger-ms"] ?? "5", {
      integer: true,
      min: 0,
      max: 60_000,
    }),
  }, env);
  if (!kafka) throw new UsageError("--kafka-brokers (or KAFKA_BROKERS) is required");
  const speed = parseNumber("--speed", values.speed ?? "100", { min: 0, minExclusive: true });
  const overnightSeconds = parseNumber("--overnight-seconds", values["overnight-seconds"] ?? "3", {
    min: 0,
  });
  let isDirectory: boolean;
  try {
    isDirectory = Deno.statSync(path).isDirectory;
  } catch (e) {
    throw new DataError(`${path}: cannot read (${(e as Error).message})`);
  }
  const plan = replayPlan(path, isDirectory, values.symbol ?? "DEFAULT");
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
      await sink.connect();
      const sent = await replaySecurity(sessions, sink, stop, {
        realtime: values.realtime === true,
        speed,
        overnightSeconds,
      });
      return { sent, report: await sink.close(), symbol: sessions[0]?.symbol };
    }));
    const seconds = (performance.now() - started) / 1000;
    for (const { report, symbol } of results) {
      for (const c of report.bySymbol ?? []) console.log(kafkaCountsText(c));
      if (report.failures > 0) {
        ok = false;
        console.error(`qrsdp replay: ${symbol ?? "-"}: ${report.firstError}`);
      }
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
