import { RECORD_SIZE } from "../format/record.ts";
import { executeRun } from "../run/run.ts";
import type { DayReport } from "../run/security_run.ts";
import { StopFlag } from "../run/stop.ts";
import { bytesText, thousands } from "./format.ts";
import { parseCommand } from "./flags.ts";
import { RUN_COMMAND, runConfigFromFlags } from "./run_options.ts";
import { onStopSignals } from "./signals.ts";
import { Progress } from "./progress.ts";

export async function runCommand(args: string[], workerUrl?: string | URL): Promise<number> {
  const parsed = parseCommand(RUN_COMMAND, args);
  if (!parsed) return 0;
  const cfg = runConfigFromFlags(parsed.values, parsed.given);
  const stop = new StopFlag();
  const quiet = parsed.values.quiet;
  const progress = Deno.stdout.isTerminal() ? new Progress(cfg.securities) : null;
  const removeSignals = onStopSignals(() => {
    stop.request();
    progress?.clear();
    console.error("qrsdp: stopping (a second signal exits at once)");
  });
  let bytes = 0;
  const onDay = (d: DayReport) => {
    const size = Deno.statSync(`${cfg.output.dir}/${d.file}`).size;
    bytes += size;
    if (quiet) return;
    progress?.clear();
    console.log(
      `${d.symbol ?? "-"} ${d.date} seed ${d.seed}: ${thousands(d.events)} events, ` +
        `${bytesText(size)}, p0 ${d.p0Ticks} -> close ${d.closeTicks}` +
        (cfg.pacing.realtime
          ? `, ${d.wallSeconds.toFixed(3)} s paced at speed ${cfg.pacing.speed}`
          : "") +
        (d.stopped ? " (stopped early)" : ""),
    );
  };
  let result;
  try {
    result = await executeRun(cfg, stop, {
      onDay,
      onProgress: progress ? (i, date, n) => progress.update(i, date, n) : undefined,
      onWarning: (message) => {
        progress?.clear();
        console.error(`qrsdp run: warning: ${message}`);
      },
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
      } events/s -> ${cfg.output.dir}`,
  );
  let ok = result.errors.length === 0;
  for (const e of result.errors) console.error(`qrsdp run: ${e}`);
  for (const r of result.sinkReports.filter((r) => r.name !== "file")) {
    console.log(
      `${r.name}: ${thousands(r.appended)} produced, ${thousands(r.delivered)} acknowledged`,
    );
    if (r.failures > 0) {
      ok = false;
      console.error(`qrsdp run: ${r.name}: ${r.firstError ?? `${r.failures} failures`}`);
    }
  }
  return ok ? 0 : 1;
}
