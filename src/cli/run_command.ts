import { DataError } from "./errors.ts";
import { RECORD_SIZE } from "../format/record.ts";
import { executeRun } from "../run/run.ts";
import type { DayReport } from "../run/security_run.ts";
import { StopFlag } from "../run/stop.ts";
import { bytesText, kafkaCountsText, thousands } from "./format.ts";
import { flagHelp } from "./help.ts";
import { parseFlags } from "./parse.ts";
import { RUN_FLAGS, runConfigFromFlags } from "./run_options.ts";
import { onStopSignals } from "./signals.ts";
import { Progress } from "./progress.ts";

const HELP =
  `qrsdp run: generate order book events to .qrsdp files (and Kafka, when brokers are given)

Usage: qrsdp run [flags]

${flagHelp(RUN_FLAGS)}

Environment: KAFKA_BROKERS, KAFKA_TOPIC, KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM,
KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD (flags win over the environment).
SIGINT/SIGTERM: finish the event in hand, flush, close every file with its index, write the
manifest, exit 0. A second signal exits at once; files stay readable.`;

export async function runCommand(args: string[], workerUrl?: string | URL): Promise<number> {
  const { values } = parseFlags(args, RUN_FLAGS, "run");
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const cfg = runConfigFromFlags(values, (n) => Deno.env.get(n));
  const stop = new StopFlag();
  const quiet = values.quiet === true;
  const progress = Deno.stdout.isTerminal() ? new Progress(cfg.securities) : null;
  const removeSignals = onStopSignals(() => {
    stop.request();
    progress?.clear();
    console.error("qrsdp: stopping (a second signal exits at once)");
  });
  let bytes = 0;
  const onDay = (d: DayReport) => {
    const size = Deno.statSync(`${cfg.output}/${d.file}`).size;
    bytes += size;
    if (quiet) return;
    progress?.clear();
    console.log(
      `${d.symbol ?? "-"} ${d.date} seed ${d.seed}: ${thousands(d.events)} events, ` +
        `${bytesText(size)}, p0 ${d.p0Ticks} -> close ${d.closeTicks}` +
        (cfg.realtime ? `, ${d.wallSeconds.toFixed(3)} s paced at speed ${cfg.speed}` : "") +
        (d.stopped ? " (stopped early)" : ""),
    );
  };
  try {
    Deno.mkdirSync(cfg.output, { recursive: true });
  } catch (e) {
    throw new DataError(`--output: cannot create ${cfg.output} (${(e as Error).message})`);
  }
  let result;
  try {
    result = await executeRun(cfg, stop, {
      onDay,
      onProgress: progress ? (i, date, n) => progress.update(i, date, n) : undefined,
      workerUrl,
    });
  } finally {
    removeSignals();
    progress?.stop();
  }
  const events = result.days.reduce((n, d) => n + d.events, 0);
  const raw = events * RECORD_SIZE;
  console.log(
    `total: ${thousands(events)} events in ${result.days.length} session${
      result.days.length === 1 ? "" : "s"
    }, ` +
      `${bytesText(bytes)} written` +
      (bytes > 0 ? ` (${(raw / bytes).toFixed(2)}x compression), ` : ", ") +
      `${result.seconds.toFixed(2)} s, ${
        thousands(events / result.seconds)
      } events/s -> ${cfg.output}`,
  );
  let ok = result.errors.length === 0;
  for (const e of result.errors) console.error(`qrsdp run: ${e}`);
  for (const r of result.sinkReports.filter((r) => r.name !== "file")) {
    for (const c of r.bySymbol ?? []) console.log(kafkaCountsText(c));
    if (r.failures > 0) {
      ok = false;
      console.error(`qrsdp run: ${r.name}: ${r.firstError ?? `${r.failures} failures`}`);
    }
  }
  return ok ? 0 : 1;
}
