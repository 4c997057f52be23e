import type { StopFlag } from "./stop.ts";

/** Shortest sleep: events due within it are released together, never one timer per event. */
const MIN_SLEEP_MS = 2;

/**
 * Releases events at their scheduled wall time: session start + simulated offset / speed,
 * measured on the monotonic clock, so lateness never accumulates across the day.
 */
export class Pacer {
  private start = 0;
  /** The most, in ms, an event of this session was released after its due time. */
  maxLateMs = 0;
  /** Lateness in ms of every released event, when asked for (benchmarks). */
  readonly lateness: number[] | null;

  constructor(
    private readonly speed: number,
    private readonly openNs: number,
    private readonly stop: StopFlag,
    recordLateness = false,
  ) {
    this.lateness = recordLateness ? [] : null;
  }

  startSession(at = performance.now()): void {
    this.start = at;
    this.maxLateMs = 0;
  }

  /** When (on the `performance.now()` clock) an event at `tsNs` is due. */
  dueMs(tsNs: number): number {
    return this.start + (tsNs - this.openNs) / 1e6 / this.speed;
  }

  /** Null when the event is due now; else a promise that resolves when it is. */
  wait(tsNs: number): Promise<void> | null {
    const due = this.dueMs(tsNs);
    const now = performance.now();
    if (due <= now) {
      this.lateness?.push(now - due);
      if (now - due > this.maxLateMs) this.maxLateMs = now - due;
      return null;
    }
    return this.sleepUntil(due);
  }

  private async sleepUntil(due: number): Promise<void> {
    let now = performance.now();
    while (now < due && !this.stop.requested) {
      await new Promise((r) => setTimeout(r, Math.min(Math.max(due - now, MIN_SLEEP_MS), 100)));
      now = performance.now();
    }
    this.lateness?.push(Math.max(now - due, 0));
    if (now - due > this.maxLateMs) this.maxLateMs = now - due;
  }
}

/** How a run or a replay is paced: as fast as it goes, or `speed` times simulated time. */
export interface PacingSettings {
  realtime: boolean;
  /** Simulated seconds per wall second, with `realtime`. */
  speed: number;
  /** Wall seconds between trading days, with `realtime`. */
  overnightSeconds: number;
}
