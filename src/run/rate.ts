import { sleepUnlessStopped } from "./stop.ts";
import type { StopFlag } from "./stop.ts";

/** Shortest sleep: events due within it are released together, never one timer per event. */
const MIN_SLEEP_MS = 2;

/**
 * Releases events at a fixed rate on the wall clock (`--rate`): event n is due `n / rate` seconds
 * after the first, measured on the monotonic clock, so the rate holds over the run however late
 * one batch is. Sessions and days follow each other with no pause.
 */
export class RatePacer {
  private start = -1;
  private n = 0;
  /** The most, in ms, an event was released after its due time since `startSession`. */
  maxLateMs = 0;

  constructor(private readonly perSecond: number, private readonly stop: StopFlag) {}

  /** Milliseconds until the next event is due (0: now); counts the event. */
  delay(now = performance.now()): number {
    if (this.start < 0) this.start = now;
    const due = this.start + (this.n++ * 1000) / this.perSecond;
    if (due > now) return Math.max(due - now, MIN_SLEEP_MS);
    if (now - due > this.maxLateMs) this.maxLateMs = now - due;
    return 0;
  }

  /** Lateness counts per session; the schedule runs on across sessions. */
  startSession(): void {
    this.maxLateMs = 0;
  }

  /** Null when the next event is due now; else a promise that resolves when it is. */
  wait(): Promise<void> | null {
    const ms = this.delay();
    return ms === 0 ? null : sleepUnlessStopped(ms, this.stop);
  }
}

/** Security i's share of a run-wide cap of `max` events: as even as can be, the first ones +1. */
export function eventQuota(max: number, securities: number, i: number): number {
  return Math.floor(max / securities) + (i < max % securities ? 1 : 0);
}
