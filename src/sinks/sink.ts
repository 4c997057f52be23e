import type { LatencySnapshot } from "../core/latency_histogram.ts";
import type { FileHeader } from "../format/header.ts";
import type { EventRecord } from "../core/events.ts";

/** What a sink learns when a session (one security, one trading date) begins. */
export interface SessionInfo {
  /** Security symbol; null for the unnamed security. */
  symbol: string | null;
  /** Simulated trading date, YYYY-MM-DD. */
  date: string;
  header: FileHeader;
  /** Path of the session's `.qrsdp` file, relative to the run directory. */
  file: string;
}

export interface SinkReport {
  name: string;
  /** Events handed to the sink. */
  appended: number;
  /** Events the sink confirms stored or delivered. */
  delivered: number;
  /** Calls that threw, and the first error's message. */
  failures: number;
  firstError?: string;
  /** Per security, for a sink that sends messages (Kafka). */
  bySymbol?: SymbolCounts[];
}

export interface SymbolCounts {
  symbol: string;
  events: number;
  acknowledgedEvents: number;
  messages: number;
  acknowledgedMessages: number;
}

/**
 * Takes a session's events a file chunk at a time (26-byte records), from the file sink that
 * writes them: see FileSink.
 */
export interface ChunkFollower {
  appendRecords(records: Uint8Array, count: number): void | Promise<void>;
}

/**
 * Where events go. `append` may return a promise to apply backpressure; the caller awaits it
 * before generating more. The record object is reused by the caller: copy what you keep.
 */
export interface EventSink {
  beginSession(session: SessionInfo): void | Promise<void>;
  append(rec: EventRecord): void | Promise<void>;
  endSession(): void | Promise<void>;
  /** Pushes buffered events on (a file sink writes only whole chunks until the session ends). */
  flush(): void | Promise<void>;
}

/** One destination (a file, a broker), which reports what became of its events. */
export interface Sink extends EventSink {
  readonly name: string;
  /** False: the sink has its events from a file sink's chunks, and `append` is not called. */
  readonly takesEvents?: boolean;
  close(): Promise<SinkReport>;
  /** What a sink that sends (Kafka) has had acknowledged so far, for `run --stats`. */
  stats?(): SinkStats;
}

/** Acknowledged events so far and their acknowledgement latencies (cumulative). */
export interface SinkStats {
  acknowledged: number;
  latency: LatencySnapshot;
}
