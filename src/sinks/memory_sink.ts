import type { EventRecord } from "../core/events.ts";
import type { SessionInfo, Sink, SinkReport } from "./sink.ts";

/** Keeps every event in memory, per session: for tests and small tools. */
export class MemorySink implements Sink {
  readonly name = "memory";
  readonly sessions: { info: SessionInfo; records: EventRecord[] }[] = [];

  beginSession(info: SessionInfo): void {
    this.sessions.push({ info, records: [] });
  }

  append(rec: EventRecord): void {
    this.sessions[this.sessions.length - 1].records.push({ ...rec });
  }

  endSession(): void {}
  flush(): void {}

  close(): Promise<SinkReport> {
    const n = this.sessions.reduce((sum, s) => sum + s.records.length, 0);
    return Promise.resolve({ name: this.name, appended: n, delivered: n, failures: 0 });
  }
}
