import { LatencyHistogram } from "../core/latency_histogram.ts";
import type { LatencySnapshot } from "../core/latency_histogram.ts";
import { sumStats } from "../sinks/multiplex_sink.ts";
import type { SinkStats } from "../sinks/sink.ts";
import { thousands } from "./format.ts";

/** One interval of `run --stats` (or the whole run), as printed and in `--json`. */
export interface AckInterval {
  /** Seconds since the run started, at the interval's end. */
  at_seconds: number;
  acknowledged: number;
  events_per_second: number;
  latency_ms: { p50: number | null; p99: number | null; max: number | null };
}

const round = (x: number | null) => x === null ? null : Math.round(x * 1000) / 1000;

function figures(at: number, seconds: number, events: number, h: LatencyHistogram): AckInterval {
  return {
    at_seconds: round(at)!,
    acknowledged: events,
    events_per_second: seconds > 0 ? Math.round(events / seconds) : 0,
    latency_ms: {
      p50: round(h.quantile(0.5)),
      p99: round(h.quantile(0.99)),
      max: h.total > 0 ? round(h.maxMs) : null,
    },
  };
}

export function ackLine(f: AckInterval, what: string): string {
  const ms = (x: number | null) => x === null ? "-" : `${x.toFixed(1)} ms`;
  return `stats: ${what} ${f.at_seconds.toFixed(1)} s: ${thousands(f.acknowledged)} events ` +
    `acknowledged, ${thousands(f.events_per_second)} events/s; acknowledgement latency ` +
    `p50 ${ms(f.latency_ms.p50)}, p99 ${ms(f.latency_ms.p99)}, max ${ms(f.latency_ms.max)}`;
}

/**
 * `run --stats`, the way Kafka's producer performance tool reports: every interval, the events
 * acknowledged in it, their rate and the acknowledgement latencies (p50, p99, max), and the same
 * for the whole run at the end. Workers send cumulative figures; the intervals are differences.
 */
export class AckStats {
  private readonly latest = new Map<number, SinkStats>();
  private previous: { events: number; latency: LatencySnapshot | null; at: number };
  readonly intervals: AckInterval[] = [];

  constructor(private readonly started = performance.now()) {
    this.previous = { events: 0, latency: null, at: started };
  }

  update(worker: number, stats: SinkStats): void {
    this.latest.set(worker, stats);
  }

  /** Closes the interval that ends now. */
  tick(now = performance.now()): AckInterval {
    const total = this.total();
    const h = LatencyHistogram.between(this.previous.latency, total.latency);
    const f = figures(
      (now - this.started) / 1000,
      (now - this.previous.at) / 1000,
      total.acknowledged - this.previous.events,
      h,
    );
    this.previous = { events: total.acknowledged, latency: total.latency, at: now };
    this.intervals.push(f);
    return f;
  }

  /** The whole run so far. */
  whole(now = performance.now()): AckInterval {
    const total = this.total();
    const seconds = (now - this.started) / 1000;
    return figures(
      seconds,
      seconds,
      total.acknowledged,
      new LatencyHistogram().merge(total.latency),
    );
  }

  private total(): SinkStats {
    return sumStats([...this.latest.values()]) ??
      { acknowledged: 0, latency: new LatencyHistogram().snapshot() };
  }
}
