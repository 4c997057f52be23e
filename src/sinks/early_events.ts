import type { EventRecord } from "../core/events.ts";
import { newRecord } from "../core/events.ts";
import { decodeRecord, encodeRecord, RECORD_SIZE } from "../format/record.ts";

/** Where a run of early events belongs: its security and trading date. */
export interface EarlySession {
  symbol: string;
  date: string;
}

/**
 * The events a sink takes while its connection is still being made, in order, with the session
 * each belongs to: the generator goes on meanwhile instead of waiting, up to `capacity` bytes of
 * records. The buffer is made whole at the first event, not grown by copies: the system gives it
 * memory only as it is written, so a quick connection costs little.
 */
export class EarlyEvents {
  private bytes = new Uint8Array(0);
  private view = new DataView(this.bytes.buffer);
  private count = 0;
  private taken = 0;
  /** Each session with the index of its first event. */
  private readonly sessions: { session: EarlySession; from: number }[] = [];
  private nextSession = 0;
  private readonly rec = newRecord();

  constructor(private readonly capacity: number) {}

  /** Events held and not yet taken. */
  get size(): number {
    return this.count - this.taken;
  }

  /** Nothing left to take: no event, and no session not yet told. */
  get isEmpty(): boolean {
    return this.taken === this.count && this.nextSession === this.sessions.length;
  }

  /** Later events belong to this session. */
  begin(session: EarlySession): void {
    this.sessions.push({ session, from: this.count });
  }

  /** Holds one event; false when there is no room left (the event is not held). */
  add(rec: EventRecord): boolean {
    const at = this.count * RECORD_SIZE;
    if (at + RECORD_SIZE > this.bytes.length) {
      if (at + RECORD_SIZE > this.capacity) return false;
      this.makeWhole();
    }
    encodeRecord(rec, this.view, at);
    this.count++;
    return true;
  }

  /** Holds as many of `count` 26-byte records as there is room for; returns how many. */
  addRecords(records: Uint8Array, count: number): number {
    if (this.bytes.length === 0) this.makeWhole();
    const n = Math.min(count, Math.floor(this.capacity / RECORD_SIZE) - this.count);
    this.bytes.set(records.subarray(0, n * RECORD_SIZE), this.count * RECORD_SIZE);
    this.count += n;
    return n;
  }

  /** The buffer, whole at once (see the class). */
  private makeWhole(): void {
    this.bytes = new Uint8Array(this.capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  /**
   * The next event in order (a record reused from call to call), after telling `onSession` of
   * each session that starts before it; null once every event was taken.
   */
  take(onSession: (s: EarlySession) => void): EventRecord | null {
    while (
      this.nextSession < this.sessions.length && this.sessions[this.nextSession].from <= this.taken
    ) {
      onSession(this.sessions[this.nextSession++].session);
    }
    if (this.taken === this.count) return null;
    return decodeRecord(this.view, this.taken++ * RECORD_SIZE, this.rec);
  }

  /** Events held per symbol, for a sink that will never send them. */
  countsBySymbol(): Map<string, number> {
    const counts = new Map<string, number>();
    this.sessions.forEach(({ session, from }, i) => {
      const to = i + 1 < this.sessions.length ? this.sessions[i + 1].from : this.count;
      const n = to - Math.max(from, this.taken);
      if (n > 0) counts.set(session.symbol, (counts.get(session.symbol) ?? 0) + n);
    });
    return counts;
  }

  /** Lets go of everything (sessions included) and of the buffer. */
  clear(): void {
    this.bytes = new Uint8Array(0);
    this.view = new DataView(this.bytes.buffer);
    this.count = this.taken = this.nextSession = 0;
    this.sessions.length = 0;
  }
}
