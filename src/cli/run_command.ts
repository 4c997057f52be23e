import { senderSummary } from "./feed_summary.ts";
import { toJson } from "../core/json.ts";
import { checkOutputPath } from "../core/output_path.ts";
import { RECORD_SIZE } from "../format/record.ts";
import { executeRun } from "../run/run.ts";
import type { RunResult } from "../run/run.ts";
import type { DayReport } from "../run/security_run.ts";
import { StopFlag } from "../run/stop.ts";
import { bytesText, kafkaCountsText, thousands } from "./format.ts";
import { parseCommand } from "./flags.ts";
import { RUN_COMMAND, runConfigFromFlags } from "./run_options.ts";
import { onStopSignals } from "./signals.ts";
import { Progress } from "./progress.ts";
import { ackLine, AckStats } from "./ack_stats.ts";
import type { LiveFeedReport } from "../itch/live_feed.ts";

/** How far behind its schedule a paced session fell, when that is worth a word (10 ms or more). */
function lateText(seconds: number | null): string {
  return seconds !== null && seconds >= 0.01 ? `, ${seconds.toFixed(3)} s behind at worst` : "";
}

function dayLine(d: DayReport, size: number, paced: string): string {
  return `${d.symbol ?? "-"} ${d.date} seed ${d.seed}: ${thousands(d.events)} events, ` +
    `${bytesText(size)}, p0 ${d.p0Ticks} -> close ${d.closeTicks}${paced}` +
    (d.stopped ? " (stopped early)" : d.capped ? " (--max-events reached)" : "");
}

export async function runCommand(args: string[], workerUrl?: string | URL): Promise<number> {
  const parsed = await parseCommand(RUN_COMMAND, args);
  if (!parsed) return 0;
  const cfg = runConfigFromFlags(parsed.values, parsed.given);
  if (cfg.session.startDate !== parsed.values["start-date"]) {
    console.error(
      `qrsdp run: note: --start-date ${parsed.values["start-date"]} is not a trading day ` +
        `(--calendar ${cfg.session.calendar}): the run starts on ${cfg.session.startDate}`,
    );
  }
  const { quiet, json } = parsed.values;
  const v = parsed.values;
  const itchFeed = v["itch-dir"] || v.udp || v.multicast
    ? await (await import("./live_feed_setup.ts")).openLiveFeed(
      v,
      cfg.securities,
      cfg.book.tickSize,
      cfg.model.sizes,
    )
    : null;
  const curves = cfg.model.hlrCurves;
  if (curves && curves.levels > cfg.book.levels) {
    console.error(
      `qrsdp run: warning: --hlr-curves has K=${curves.levels} levels, the book ${cfg.book.levels} ` +
        `levels (--levels): every rate is 0, so every session is empty (as in the C++ reference implementation)`,
    );
  }
  const stop = new StopFlag();
  const progress = Deno.stderr.isTerminal() && !quiet ? new Progress(cfg) : null;
  const removeSignals = onStopSignals(() => {
    stop.request();
    progress?.clear();
    console.error("qrsdp: stopping (a second signal exits at once)");
  });
  const sizes = new Map<DayReport, number>();
  const { pacing } = cfg;
  const onDay = (d: DayReport) => {
    sizes.set(d, Deno.statSync(`${cfg.output.dir}/${d.file}`).size);
    progress?.dayDone(d);
    if (quiet || json) return;
    progress?.clear();
    // --rate is shared evenly: each security's line says its own share.
    const paced = pacing.realtime
      ? `, ${d.wallSeconds.toFixed(3)} s paced at speed ${pacing.speed}${lateText(d.lateSeconds)}`
      : pacing.rate
      ? `, ${d.wallSeconds.toFixed(3)} s paced at ${
        thousands(pacing.rate / cfg.securities.length)
      } events/s${lateText(d.lateSeconds)}`
      : "";
    console.log(dayLine(d, sizes.get(d)!, paced));
  };
  try {
    // The run directory itself is checked, made and locked by the run (run_dir.ts).
    // A previous run in --output is replaced: never the one --continue reads.
    checkOutputPath(cfg.output.dir, "--output", { inputs: v.continue ? [v.continue] : [] });
  } catch (e) {
    await itchFeed?.feed.finish();
    throw e;
  }
  const serve = parsed.values.serve;
  const live = serve
    ? await (await import("./serve_command.ts")).serveLive(serve, cfg, workerUrl)
    : null;
  const ackStats = cfg.stats ? new AckStats() : null;
  const statsTimer = ackStats
    ? setInterval(() => {
      progress?.clear();
      console.error(ackLine(ackStats.tick(), "at"));
    }, parsed.values["stats-interval"] * 1000)
    : undefined;
  let result: RunResult;
  let itch: LiveFeedReport | undefined;
  try {
    result = await executeRun(cfg, stop, {
      onDay: (d) => {
        live?.onDay(d);
        onDay(d);
      },
      onProgress: (p) => {
        live?.onProgress(p);
        progress?.update(p);
      },
      onTap: itchFeed ? (m) => itchFeed.feed.handle(m) : undefined,
      onWarning: (message) => {
        progress?.clear();
        console.error(`qrsdp run: warning: ${message}`);
      },
      onNotice: (message) => console.error(`qrsdp run: ${message}`),
      onStats: ackStats ? (w, stats) => ackStats.update(w, stats) : undefined,
      workerUrl,
    });
  } finally {
    if (statsTimer !== undefined) clearInterval(statsTimer);
    itch = await itchFeed?.feed.finish();
    removeSignals();
    progress?.stop();
  }
  const days = [...result.days].sort((a, b) =>
    a.securityIndex - b.securityIndex || a.date.localeCompare(b.date)
  );
  const events = days.reduce((n, d) => n + d.events, 0);
  const paced = days.filter((d) => d.lateSeconds !== null);
  const late = paced.length > 0 ? Math.max(...paced.map((d) => d.lateSeconds!)) : null;
  const bytes = days.reduce((n, d) => n + (sizes.get(d) ?? 0), 0);
  const kafka = result.sinkReports.filter((r) => r.name !== "file" && r.name !== "tap");
  const errors = [
    ...result.errors,
    ...kafka.filter((r) => r.failures > 0).map((r) =>
      `${r.name} ${r.symbols.join(",")}: ${r.firstError ?? `${r.failures} failures`}`
    ),
    ...(itch?.error ? [`itch: ${itch.error}`] : []),
  ];
  const ackTotal = ackStats?.whole();
  if (ackTotal) {
    progress?.clear();
    console.error(ackLine(ackTotal, "total"));
  }
  for (const e of errors) console.error(`qrsdp run: ${e}`);
  if (json) {
    console.log(toJson(runSummary(), 2));
    await live?.finish(errors[0]);
    return errors.length === 0 ? 0 : 1;
  }
  console.log(
    `total: ${thousands(events)} events in ${days.length} session${
      days.length === 1 ? "" : "s"
    }, ` +
      `${bytesText(bytes)} written` +
      (bytes > 0 ? ` (${(events * RECORD_SIZE / bytes).toFixed(2)}x compression), ` : ", ") +
      `${result.seconds.toFixed(2)} s, ${thousands(events / result.seconds)} events/s${
        late === null ? "" : `, at most ${late.toFixed(3)} s behind schedule`
      } -> ${cfg.output.dir}`,
  );
  for (const r of kafka) {
    for (const c of r.bySymbol ?? []) console.log(kafkaCountsText(c));
  }
  if (itch) console.log(`itch: ${itchSummary(itch).join(", ")}`);
  await live?.finish(errors[0]);
  return errors.length === 0 ? 0 : 1;

  /** `run --json`: the keys are documented in docs/cli.md ("Machine-readable output"). */
  function runSummary() {
    return {
      output: cfg.output.dir,
      seed: cfg.seed,
      events,
      bytes,
      seconds: result.seconds,
      events_per_second: result.seconds > 0 ? events / result.seconds : 0,
      late_seconds: late,
      ...(ackStats ? { stats: { intervals: ackStats.intervals, total: ackTotal } } : {}),
      sessions: days.map((d) => ({
        symbol: d.symbol,
        date: d.date,
        seed: d.seed,
        file: d.file,
        events: d.events,
        bytes: sizes.get(d) ?? 0,
        p0_ticks: d.p0Ticks,
        close_ticks: d.closeTicks,
        stopped: d.stopped,
        capped: d.capped,
        wall_seconds: d.wallSeconds,
        late_seconds: d.lateSeconds,
      })),
      kafka: kafka.map((r) => ({
        symbols: r.symbols,
        produced: r.appended,
        acknowledged: r.delivered,
        by_symbol: (r.bySymbol ?? []).map((c) => ({
          symbol: c.symbol,
          events: c.events,
          acknowledged_events: c.acknowledgedEvents,
          messages: c.messages,
          acknowledged_messages: c.acknowledgedMessages,
        })),
      })),
      ...(itch ? { itch: { ...itch, packets: itchFeed?.sender?.stats.packets ?? 0 } } : {}),
      errors,
      ok: errors.length === 0,
    };
  }

  function itchSummary(report: LiveFeedReport): string[] {
    const parts = [
      `${report.days} day(s)`,
      `${thousands(report.records)} events`,
      `${thousands(report.messages)} messages`,
    ];
    if (itchFeed?.sender) {
      parts.push(`${thousands(itchFeed.sender.stats.packets)} packets`);
      parts.push(...senderSummary(itchFeed.sender.stats));
    }
    if (itchFeed?.files) parts.push(`${itchFeed.files.written.length} file(s)`);
    return parts;
  }
}
