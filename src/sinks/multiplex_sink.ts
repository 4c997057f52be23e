import type { EventRecord } from "../core/events.ts";
import { LatencyHistogram } from "../core/latency_histogram.ts";
import type { EventSink, SessionInfo, Sink, SinkReport, SinkStats } from "./sink.ts";

/**
 * Forwards every call to each of its sinks, best effort: a sink that throws (or rejects) is
 * counted and reported, and the other sinks still get the event.
 */
export class MultiplexSink implements EventSink {
  private readonly failures: number[];
  private readonly firstErrors: (string | undefined)[];

  /** The sinks `append` goes to (by index): not those fed by a file sink's chunks. */
  private readonly appending: number[] = [];
  private readonly every: number[];

  constructor(readonly sinks: Sink[]) {
    this.failures = sinks.map(() => 0);
    this.firstErrors = sinks.map(() => undefined);
    this.every = sinks.map((_, i) => i);
    this.appending = this.every.filter((i) => sinks[i].takesEvents !== false);
  }

  beginSession(session: SessionInfo): void | Promise<void> {
    return this.each((s, info) => s.beginSession(info), session);
  }

  append(rec: EventRecord): void | Promise<void> {
    if (this.appending.length !== 1) return this.each(appendTo, rec, this.appending);
    // One sink takes the events (the files, when Kafka takes their chunks): straight to it.
    const i = this.appending[0];
    try {
      const r = this.sinks[i].append(rec);
      if (r) return this.counting(r, i);
    } catch (e) {
      this.failed(i, e);
    }
  }

  endSession(): void | Promise<void> {
    return this.each((s) => s.endSession(), null);
  }

  flush(): void | Promise<void> {
    return this.each((s) => s.flush(), null);
  }

  /** What its sending sinks have had acknowledged so far; null when none sends. */
  stats(): SinkStats | null {
    return sumStats(this.sinks.map((s) => s.stats?.() ?? null));
  }

  /** One report per sink, with the failures this multiplexer caught added in. */
  async close(): Promise<SinkReport[]> {
    return await Promise.all(this.sinks.map(async (s, i) => {
      let report: SinkReport;
      try {
        report = await s.close();
      } catch (e) {
        this.failed(i, e);
        report = { name: s.name, appended: 0, delivered: 0, failures: 0 };
      }
      return {
        ...report,
        failures: report.failures + this.failures[i],
        firstError: report.firstError ?? this.firstErrors[i],
      };
    }));
  }

  /**
   * `r`, with its failure counted against sink `i`. A method of its own: a closure over the loop's
   * `i` in `each` made V8 allocate a context for every sink and event once a sink had returned a
   * promise (about 130 bytes an event, 170 young-generation collections in a day to Kafka).
   */
  private counting(r: Promise<void>, i: number): Promise<void> {
    return r.catch((e) => this.failed(i, e));
  }

  private failed(i: number, e: unknown): void {
    this.failures[i]++;
    this.firstErrors[i] ??= e instanceof Error ? e.message : String(e);
  }

  private each<T>(
    call: (s: Sink, arg: T) => void | Promise<void>,
    arg: T,
    to = this.every,
  ): void | Promise<void> {
    let pending: Promise<void>[] | null = null;
    for (let n = 0; n < to.length; n++) {
      const i = to[n];
      try {
        const r = call(this.sinks[i], arg);
        if (r) (pending ??= []).push(this.counting(r, i));
      } catch (e) {
        this.failed(i, e);
      }
    }
    if (pending) return Promise.all(pending).then(() => {});
  }
}

// One function for every event, not a closure per event over it (100 bytes of garbage an event).
const appendTo = (s: Sink, rec: EventRecord) => s.append(rec);

/** Several sinks' stats added up; null when there are none. */
export function sumStats(all: (SinkStats | null)[]): SinkStats | null {
  const some = all.filter((x): x is SinkStats => x !== null);
  if (some.length === 0) return null;
  const latency = new LatencyHistogram();
  for (const x of some) latency.merge(x.latency);
  return {
    acknowledged: some.reduce((n, x) => n + x.acknowledged, 0),
    latency: latency.snapshot(),
  };
}
