import type { EventRecord } from "../core/events.ts";
import type { EventSink } from "../sinks/sink.ts";

/** Events between two checks of progress and stop requests, less one (unpaced runs). */
const CHECK_MASK = 1023;

/** What the loop is given. */
export interface EventLoopParts {
  /** Writes its next event into `rec`; false once the session is over. */
  source: { next(rec: EventRecord): boolean };
  rec: EventRecord;
  sink: EventSink;
  /** Events that may still be appended (--max-events). */
  quota: number;
  /** A paced run: what to wait for before the event at `tsNs` is released (null: nothing). */
  due: ((tsNs: number) => Promise<void> | null) | null;
  /**
   * Progress, lateness, stop requests: called after every event of a paced run, and after every
   * 1,024th otherwise, with the last event's time; true ends the day.
   */
  check(tsNs: number): boolean;
}

/**
 * A session's events into its sink, as a plain loop that returns whenever it must wait, run by
 * `runEvents`. Not a loop in the async function that runs the day: V8 compiled that whole
 * function again and again as its loop got hot (three times a day of one security, 52-58 ms of
 * compilation on a core the run needs), and a loop of its own is small.
 */
export class EventLoop {
  events = 0;
  /** The quota ended the day. */
  capped = false;
  /** `check` ended the day. */
  stopped = false;
  /** An event was generated and is due later: it is appended first on the next call. */
  private inHand = false;
  /** The last event appended has not been checked yet. */
  private unchecked = false;

  constructor(private readonly parts: EventLoopParts) {}

  /** Runs events until the day is over (null), or until the promise returned settles. */
  run(): Promise<unknown> | null {
    const { source, rec, sink, quota, due } = this.parts;
    for (;;) {
      if (this.unchecked) {
        this.unchecked = false;
        if ((due !== null || (this.events & CHECK_MASK) === 0) && this.parts.check(rec.tsNs)) {
          this.stopped = true;
          return null;
        }
      }
      if (this.inHand) this.inHand = false;
      else {
        if (!source.next(rec)) return null;
        if (this.events >= quota) {
          this.capped = true;
          return null;
        }
        const wait = due?.(rec.tsNs);
        if (wait) {
          this.inHand = true;
          return flushThen(sink, wait);
        }
      }
      const pending = sink.append(rec);
      this.events++;
      this.unchecked = true;
      if (pending) return pending;
    }
  }
}

/** Runs `loop` to the end of its day. */
export async function runEvents(loop: EventLoop): Promise<void> {
  for (let wait; (wait = loop.run()) !== null;) await wait;
}

/** A paced run sends what it holds before it sleeps. */
async function flushThen(sink: EventSink, wait: Promise<void>): Promise<void> {
  await sink.flush();
  await wait;
}
