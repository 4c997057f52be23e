import { ReusedRecord } from "../core/events.ts";
import type { StopFlag } from "../run/stop.ts";
import type { FeedDay } from "./feed_day.ts";
import type { ItchBuffer } from "./messages.ts";
import type { RecordCursor } from "./record_cursor.ts";
import { SessionAhead } from "./session_ahead.ts";
import { TimeHeap } from "./time_heap.ts";

/** Order references given out in a window's first pass: LOCAL + i, numbered when merged. */
const LOCAL = 2 ** 52;
/** Records a window aims at, per security and at least (in cache, with its messages). */
const WINDOW_PER_SECURITY = 64;
const WINDOW_MIN = 1 << 16;
const STOP_CHECK_MASK = 1023;
const A = 0x41, E = 0x45, D = 0x44;

/**
 * A day's records through its order images, the same bytes as applying them one at a time in
 * feed order (RecordMerge), made in time windows for speed. Within a window each security's
 * records go through its image in one stretch, so its image stays in cache (in feed order a full
 * market touches every image in turn, a cache miss at every step); their messages are kept in
 * `scratch`, with provisional order numbers. Then the window's records are merged by (ts_ns,
 * security) and their messages copied to `out`, each new order taking the day's next reference
 * and each execution the next match number, as in feed order; last, the images' live orders take
 * their final numbers. The day's images must write to `scratch`.
 */
export class FeedWindows {
  /** Records whose messages are in `out`. */
  records = 0;
  private readonly ahead: SessionAhead;
  private readonly heap: TimeHeap;
  private readonly rec = new ReusedRecord();
  /** The window's records, security by security: time, and messages in `scratch`. */
  private ts = new Float64Array(1024);
  private start = new Int32Array(1024);
  private end = new Int32Array(1024);
  /** Each security's next and end record in the window. */
  private readonly next: Int32Array;
  private readonly last: Int32Array;
  /** The final number of each provisional reference of the window. */
  private final = new Float64Array(1024);
  private windowEnd: number;
  private span = 1e8;
  private nextRef: number;
  private nextMatch: number;
  private inWindow = false;

  constructor(
    private readonly day: FeedDay,
    private readonly scratch: ItchBuffer,
    cursors: RecordCursor[],
    private readonly out: ItchBuffer,
    /** Records a window aims at (tests make it small). */
    private readonly target = Math.max(WINDOW_PER_SECURITY * cursors.length, WINDOW_MIN),
  ) {
    this.ahead = new SessionAhead(cursors);
    this.heap = new TimeHeap(cursors.length);
    this.next = new Int32Array(cursors.length);
    this.last = new Int32Array(cursors.length);
    this.windowEnd = day.openNs;
    this.nextRef = day.numbers.nextRef;
    this.nextMatch = day.numbers.nextMatch;
  }

  /** The day's opening messages (FeedDay.open) into `out`. */
  open(): void {
    this.day.open();
    this.nextRef = this.day.numbers.nextRef;
    this.nextMatch = this.day.numbers.nextMatch;
    this.move();
  }

  /** The day's closing messages (FeedDay.close) into `out`. */
  close(): void {
    this.day.close();
    this.move();
  }

  /**
   * Moves records' messages to `out` until it holds `batchBytes`: true then, false once the
   * records are all done or a stop is asked for.
   */
  fill(batchBytes: number, stop: StopFlag): boolean {
    for (;;) {
      if (this.heap.size === 0) {
        if (this.inWindow) this.finishWindow();
        if (!this.firstPass()) return false;
      }
      const heap = this.heap, out = this.out;
      while (heap.size > 0) {
        if (out.length >= batchBytes) return true;
        if ((this.records & STOP_CHECK_MASK) === 0 && stop.requested) return false;
        const s = heap.top, r = this.next[s]++;
        this.emit(r);
        if (r + 1 < this.last[s]) heap.replaceTop(this.ts[r + 1]);
        else heap.pop();
      }
    }
  }

  /** Whatever the day wrote to `scratch` outside the records (opening, closing). */
  private move(): void {
    const s = this.scratch;
    this.out.append(s.bytes, 0, s.length, s.messages);
    s.clear();
  }

  /**
   * The next window's records through their images, security by security; false when no
   * security has any left.
   */
  private firstPass(): boolean {
    const ahead = this.ahead, day = this.day, scratch = this.scratch, rec = this.rec;
    const n = this.next.length;
    scratch.clear();
    day.numbers.nextRef = LOCAL;
    for (;;) {
      const until = this.windowEnd += this.span;
      let r = 0, left = false;
      for (let s = 0; s < n; s++) {
        this.next[s] = r;
        while (ahead.has(s)) {
          const ts = ahead.tsNs(s);
          if (ts >= until) {
            left = true;
            break;
          }
          if (r === this.ts.length) this.grow();
          this.ts[r] = ts;
          this.start[r] = scratch.length;
          ahead.load(s, rec);
          day.apply(s, rec);
          this.end[r++] = scratch.length;
          ahead.advance(s);
        }
        this.last[s] = r;
        if (r > this.next[s]) this.heap.push(s, this.ts[this.next[s]]);
      }
      // Times are whole nanoseconds: a window spans one at least.
      this.span = Math.max(1, this.span * Math.min(2, Math.max(0.5, this.target / r)));
      if (r > 0) {
        const refs = day.numbers.nextRef - LOCAL;
        if (this.final.length < refs) this.final = new Float64Array(refs * 2);
        this.inWindow = true;
        return true;
      }
      if (!left) {
        day.numbers.nextRef = this.nextRef;
        day.numbers.nextMatch = this.nextMatch;
        return false;
      }
    }
  }

  /** Record `r`'s messages to `out`, their order numbers final. */
  private emit(r: number): void {
    const from = this.start[r], to = this.end[r];
    const b = this.scratch.bytes, v = this.scratch.view;
    let o = from, messages = 0;
    while (o < to) {
      const type = b[o + 2];
      if (type === A) {
        const ref = u64(v, o + 13);
        if (ref >= LOCAL) {
          this.final[ref - LOCAL] = this.nextRef;
          setU64(v, o + 13, this.nextRef++);
        }
      } else if (type === E || type === D) {
        const ref = u64(v, o + 13);
        if (ref >= LOCAL) setU64(v, o + 13, this.final[ref - LOCAL]);
        if (type === E) setU64(v, o + 25, this.nextMatch++);
      }
      o += 2 + v.getUint16(o);
      messages++;
    }
    this.out.append(b, from, to, messages);
    this.records++;
  }

  /** The window is merged: the live orders it made take their final numbers. */
  private finishWindow(): void {
    this.inWindow = false;
    // Security s's records were [last[s - 1], last[s]).
    for (let s = 0, first = 0; s < this.last.length; first = this.last[s++]) {
      if (this.last[s] > first) this.day.images[s].renumber(LOCAL, this.final);
    }
  }

  private grow(): void {
    const grown = <T extends Float64Array | Int32Array>(a: T, b: T): T => (b.set(a), b);
    const n = this.ts.length * 2;
    this.ts = grown(this.ts, new Float64Array(n));
    this.start = grown(this.start, new Int32Array(n));
    this.end = grown(this.end, new Int32Array(n));
  }
}

function u64(v: DataView, o: number): number {
  return v.getUint32(o) * 4294967296 + v.getUint32(o + 4);
}

function setU64(v: DataView, o: number, value: number): void {
  const hi = Math.floor(value / 4294967296);
  v.setUint32(o, hi);
  v.setUint32(o + 4, value - hi * 4294967296);
}
