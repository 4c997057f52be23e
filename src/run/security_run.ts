import { newRecord } from "../core/events.ts";
import { Session } from "../model/session.ts";
import type { EventSink } from "../sinks/sink.ts";
import { LAST_DATE } from "./calendar.ts";
import { datesFromFirstDay } from "./first_day.ts";
import {
  createModel,
  daySeconds,
  fileHeader,
  sessionConfig,
  sessionFile,
  sessionSeed,
} from "./config.ts";
import type { RunConfig } from "./config.ts";
import { Pacer } from "./pacer.ts";
import { eventQuota, RatePacer } from "./rate.ts";
import { EventLoop, runEvents } from "./event_loop.ts";
import { sleepUnlessStopped } from "./stop.ts";
import type { StopFlag } from "./stop.ts";

export interface DayReport {
  securityIndex: number;
  symbol: string | null;
  date: string;
  seed: bigint;
  file: string;
  p0Ticks: number;
  closeTicks: number;
  events: number;
  /** True when a stop request cut the session short. */
  stopped: boolean;
  /** True when the run's --max-events ended it. */
  capped: boolean;
  /** Wall seconds from the session's start to its end (to its simulated close when paced). */
  wallSeconds: number;
  /** Paced runs: the most an event was released after its due time, in seconds; else null. */
  lateSeconds: number | null;
}

/** Where one security is: its day (0-based), that day's date, events and simulated clock. */
export interface SecurityProgress {
  securityIndex: number;
  day: number;
  date: string;
  /** Events of this day so far. */
  events: number;
  /** ts_ns of the last event (the open before the first). */
  clockNs: number;
}

/** A session about to be written: the manifest lists its file before the file exists. */
export interface SessionStart {
  securityIndex: number;
  date: string;
  seed: bigint;
  file: string;
}

export interface SecurityRunHooks {
  onBegin?(start: SessionStart): void;
  onDay?(report: DayReport): void;
  /** Called at each day's start and then about every PROGRESS_MS of wall time. */
  onProgress?(progress: SecurityProgress): void;
  /** A paced security fell more than LATE_WARNING_MS behind its schedule (once a run). */
  onLate?(late: { securityIndex: number; date: string; seconds: number }): void;
  pacer?: Pacer;
}

/** How far behind its schedule a paced security may fall before the user is told. */
export const LATE_WARNING_MS = 1000;
const PROGRESS_MS = 200;

/** One session to run: day `day` of security `securityIndex`, on `date`, opening at `p0Ticks`. */
export interface DayTask {
  securityIndex: number;
  day: number;
  date: string;
  p0Ticks: number;
  /** Events the security may still produce under --max-events (Infinity without it). */
  quota: number;
}

/**
 * Runs every day of one security into `sink`: each day opens at the previous close. Between
 * days in realtime mode it pauses overnight; a stop request ends the session in hand cleanly.
 */
export async function runSecurity(
  cfg: RunConfig,
  securityIndex: number,
  sink: EventSink,
  stop: StopFlag,
  hooks: SecurityRunHooks = {},
): Promise<void> {
  const { session: schedule, pacing } = cfg;
  const nextDate = datesFromFirstDay(schedule);
  const firstDay = schedule.firstDay ?? 0;
  const pacer = hooks.pacer ??
    (pacing.realtime ? new Pacer(pacing.speed, schedule.marketOpenSeconds * 1e9, stop) : undefined);
  // --rate: every security runs at once (see executeRun), each at its share of the rate.
  const ratePacer = pacing.rate ? new RatePacer(pacing.rate / cfg.securities.length, stop) : null;
  let quota = securityQuota(cfg, securityIndex);
  let p0Ticks = cfg.securities[securityIndex].p0Ticks;
  let warned = false;
  const onLate = hooks.onLate && ((late: Parameters<NonNullable<typeof hooks.onLate>>[0]) => {
    if (!warned) hooks.onLate!(late);
    warned = true;
  });
  for (let day = firstDay; schedule.days === 0 || day < firstDay + schedule.days; day++) {
    if (stop.requested || quota <= 0) break;
    if (day > firstDay) {
      // Other securities of this worker take their turn (continuous runs share workers).
      if (pacing.realtime) await sleepUnlessStopped(pacing.overnightSeconds * 1000, stop);
      else await new Promise((r) => setTimeout(r, 0));
      if (stop.requested) break;
    }
    const date = nextDate();
    if (date === null) throw new Error(`no trading date after ${LAST_DATE}: the run ends there`);
    const task = { securityIndex, day, date, p0Ticks, quota };
    const report = await runDay(cfg, task, sink, stop, { ...hooks, pacer, onLate }, ratePacer);
    p0Ticks = report.closeTicks;
    quota -= report.events;
  }
}

/** Security i's share of the run's --max-events, or Infinity. */
export function securityQuota(cfg: RunConfig, securityIndex: number): number {
  const max = cfg.session.maxEvents;
  return max === null ? Infinity : eventQuota(max, cfg.securities.length, securityIndex);
}

/** Runs one session into `sink` and reports it (also to `hooks.onDay`). */
export async function runDay(
  cfg: RunConfig,
  task: DayTask,
  sink: EventSink,
  stop: StopFlag,
  hooks: SecurityRunHooks = {},
  ratePacer: RatePacer | null = null,
): Promise<DayReport> {
  const { securityIndex, day, date, quota } = task;
  const p0 = task.p0Ticks;
  const security = cfg.securities[securityIndex];
  const openNs = cfg.session.marketOpenSeconds * 1e9;
  const pacer = hooks.pacer;
  const rec = newRecord();
  const seed = sessionSeed(cfg, securityIndex, day);
  const seconds = daySeconds(cfg, date);
  const session = new Session(sessionConfig(cfg, seed, p0, seconds), createModel(cfg, security));
  const header = fileHeader(cfg, seed, p0, seconds);
  const file = sessionFile(security, date);
  hooks.onBegin?.({ securityIndex, date, seed, file });
  await sink.beginSession({ symbol: security.symbol, date, header, file });
  const started = performance.now();
  pacer?.startSession(started);
  ratePacer?.startSession();
  const late = () => pacer?.maxLateMs ?? ratePacer?.maxLateMs ?? 0;
  let lateTold = false;
  let lastProgress = started;
  const loop: EventLoop = new EventLoop({
    source: session,
    rec,
    sink,
    quota,
    due: pacer ? (tsNs) => pacer.wait(tsNs) : ratePacer ? () => ratePacer.wait() : null,
    check: (tsNs) => {
      const now = performance.now();
      if (now - lastProgress >= PROGRESS_MS) {
        progress(tsNs);
        lastProgress = now;
      }
      if (!lateTold && late() > LATE_WARNING_MS) {
        lateTold = true;
        hooks.onLate?.({ securityIndex, date, seconds: late() / 1000 });
      }
      return stop.requested;
    },
  });
  const progress = (clockNs: number) =>
    hooks.onProgress?.({ securityIndex, day, date, events: loop.events, clockNs });
  progress(openNs);
  await runEvents(loop);
  const { events, stopped, capped } = loop;
  if (pacer && !stopped && !capped) {
    // A paced day lasts until its simulated close, not just until its last event.
    await pacer.wait(openNs + seconds * 1e9);
  }
  await sink.endSession();
  const report: DayReport = {
    securityIndex,
    symbol: security.symbol,
    date,
    seed,
    file,
    p0Ticks: p0,
    closeTicks: session.book.closePrice(),
    events,
    stopped,
    capped,
    wallSeconds: (performance.now() - started) / 1000,
    lateSeconds: pacer || ratePacer ? late() / 1000 : null,
  };
  hooks.onDay?.(report);
  return report;
}
