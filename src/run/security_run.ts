import { newRecord } from "../core/events.ts";
import { Session } from "../model/session.ts";
import type { EventSink } from "../sinks/sink.ts";
import { LAST_DATE, tradingDates } from "./calendar.ts";
import { createModel, fileHeader, sessionConfig, sessionFile, sessionSeed } from "./config.ts";
import type { RunConfig } from "./config.ts";
import { Pacer } from "./pacer.ts";
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
  /** Wall seconds from the session's start to its end (to its simulated close when paced). */
  wallSeconds: number;
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
  /** Called every few thousand events with the events generated so far in this session. */
  onProgress?(securityIndex: number, date: string, events: number): void;
  pacer?: Pacer;
}

const STOP_CHECK_MASK = 1023;
const PROGRESS_MASK = (1 << 16) - 1;

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
  const security = cfg.securities[securityIndex];
  const { session: schedule, pacing } = cfg;
  const nextDate = tradingDates(schedule.startDate);
  const openNs = schedule.marketOpenSeconds * 1e9;
  const pacer = hooks.pacer ??
    (pacing.realtime ? new Pacer(pacing.speed, openNs, stop) : undefined);
  const rec = newRecord();
  let p0 = security.p0Ticks;
  for (let day = 0; schedule.days === 0 || day < schedule.days; day++) {
    if (stop.requested) break;
    if (day > 0) {
      // Other securities of this worker take their turn (continuous mode runs them together).
      if (pacing.realtime) await sleepUnlessStopped(pacing.overnightSeconds * 1000, stop);
      else await new Promise((r) => setTimeout(r, 0));
      if (stop.requested) break;
    }
    const date = nextDate();
    if (date === null) throw new Error(`no trading date after ${LAST_DATE}: the run ends there`);
    const seed = sessionSeed(cfg, securityIndex, day);
    const session = new Session(sessionConfig(cfg, seed, p0), createModel(cfg));
    const header = fileHeader(cfg, seed, p0);
    const file = sessionFile(security, date);
    hooks.onBegin?.({ securityIndex, date, seed, file });
    await sink.beginSession({ symbol: security.symbol, date, header, file });
    const started = performance.now();
    pacer?.startSession(started);
    let events = 0;
    let stopped = false;
    while (session.next(rec)) {
      if (pacer) {
        const due = pacer.wait(rec.tsNs);
        if (due) {
          await sink.flush();
          await due;
        }
      }
      const pending = sink.append(rec);
      if (pending) await pending;
      events++;
      if ((events & STOP_CHECK_MASK) === 0 || pacer) {
        if ((events & PROGRESS_MASK) === 0) hooks.onProgress?.(securityIndex, date, events);
        if (stop.requested) {
          stopped = true;
          break;
        }
      }
    }
    if (pacer && !stopped) {
      // A paced day lasts until its simulated close, not just until its last event.
      await pacer.wait(openNs + schedule.seconds * 1e9);
    }
    await sink.endSession();
    const closeTicks = session.book.closePrice();
    hooks.onDay?.({
      securityIndex,
      symbol: security.symbol,
      date,
      seed,
      file,
      p0Ticks: p0,
      closeTicks,
      events,
      stopped,
      wallSeconds: (performance.now() - started) / 1000,
    });
    p0 = closeTicks;
  }
}
