import { Book } from "../book/book.ts";
import { newRecord } from "../core/events.ts";
import { decodeRecord, RECORD_SIZE } from "../format/record.ts";
import type { Catalog, SessionRef } from "./catalog.ts";
import { SessionCursor } from "./session_cursor.ts";

/** Snapshots a day: about this many, but at most one per MIN_TICK_MS and one per second. */
const SNAPSHOTS_PER_DAY = 400;
const MIN_TICK_MS = 10;
const MAX_TICK_MS = 1000;
/** How long the "market closed" pause between two days lasts, in wall time. */
const OVERNIGHT_MS = 1200;
/** While a send is waiting behind this many bytes, snapshots are dropped, not queued. */
export const MAX_BACKLOG_BYTES = 256 * 1024;
const POLL_MS = 100;
const LAST_EVENTS = 40;
/** Best-quote changes and trades a snapshot carries at most (more are merged or counted). */
const MAX_QUOTES = 2000;
const MAX_TRADES = 50;
export const MIN_SPEED = 1;
export const MAX_SPEED = 100_000;

/**
 * Chunks (4,096 events each) one stream reads before it lets the others and every request have
 * their turn: fifty streams at full speed must not keep the server from answering.
 */
const CHUNKS_PER_SLICE = 1;
type Advance = "reached" | "starved" | "more";

/** Lets every other task of the event loop run (other streams, requests) before going on. */
const yieldToOthers = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

/**
 * All the streams of this process together read and rebuild books for at most half of each
 * 50 ms: however many replay at full speed, the thread is idle, and answers requests, the rest.
 */
const TURN_WINDOW_MS = 50;
const TURN_SHARE = 0.5;
const turns = { start: 0, used: 0 };

export async function replayTurn<T>(work: () => T, now = () => performance.now()): Promise<T> {
  for (;;) {
    const t = now();
    if (t - turns.start >= TURN_WINDOW_MS) {
      turns.start = t;
      turns.used = 0;
    }
    if (turns.used < TURN_WINDOW_MS * TURN_SHARE) break;
    await new Promise((resolve) => setTimeout(resolve, turns.start + TURN_WINDOW_MS - t));
  }
  const t = now();
  try {
    return work();
  } finally {
    turns.used += now() - t;
  }
}

export interface Transport {
  send(message: unknown): void;
  /** Bytes queued and not yet sent. */
  backlog(): number;
}

export type Control =
  | { type: "set_speed"; speed: number }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "focus"; symbol: string | null };

/** One security's session being replayed: its file, the book rebuilt from its events. */
class SecurityReplay {
  readonly cursor: SessionCursor;
  book: Book | null = null;
  events = 0;
  lastTrade = 0;
  lastTs = 0;
  /** Last events as [ts_ns, type, price, qty, order_id], newest last. */
  readonly recent: number[][] = [];
  /** Kept for the security in view only: every change of the best quote, every trade. */
  tracking = false;
  private quotes: number[] = [];
  /** The best bid and ask last put in `quotes`. */
  private readonly quoted = [-1, -1];
  private trades: number[] = [];
  private volume = 0;
  private pending: Uint8Array | null = null;
  private at = 0;
  private readonly rec = newRecord();

  constructor(readonly symbol: string | null, ref: SessionRef) {
    this.cursor = new SessionCursor(ref.path);
  }

  /**
   * Applies every event up to `ts`, reading at most `chunks` chunks: "reached", "starved" when
   * it had to stop early for want of data, "more" when its share of work is used up.
   */
  advance(ts: number, growing: boolean, chunks = CHUNKS_PER_SLICE): Advance {
    const rec = this.rec;
    for (let read = 0;; read++) {
      if (!this.pending) {
        if (read >= chunks) return "more";
        this.pending = this.cursor.next(growing);
        this.at = 0;
        if (!this.book && this.cursor.header) {
          const h = this.cursor.header;
          this.book = new Book(h.levelsPerSide, h.initialDepth);
          this.book.seed(h.p0Ticks, h.initialSpreadTicks);
        }
        if (!this.pending) return this.cursor.finished ? "reached" : "starved";
      }
      const view = new DataView(this.pending.buffer);
      while (this.at < this.pending.length) {
        decodeRecord(view, this.at, rec);
        if (rec.tsNs > ts) return "reached";
        this.at += RECORD_SIZE;
        const book = this.book!;
        book.apply(rec.type, rec.priceTicks, rec.qty);
        this.events++;
        this.lastTs = rec.tsNs;
        if (rec.type >= 4) this.lastTrade = rec.priceTicks;
        if (this.tracking) {
          const bid = book.bidPrice[0], ask = book.askPrice[0];
          if (bid !== this.quoted[0] || ask !== this.quoted[1]) {
            this.quotes.push(rec.tsNs, bid, ask);
            this.quoted[0] = bid;
            this.quoted[1] = ask;
          }
          if (rec.type >= 4) {
            this.trades.push(rec.tsNs, rec.type, rec.priceTicks, rec.qty);
            this.volume += rec.qty;
          }
        }
        this.recent.push([rec.tsNs, rec.type, rec.priceTicks, rec.qty, rec.orderId]);
        if (this.recent.length > LAST_EVENTS) this.recent.shift();
      }
      this.pending = null;
    }
  }

  /**
   * What happened since the last call: the best quote at each change as [ts, bid, ask] (past
   * MAX_QUOTES changes, merged into buckets of their lowest bid and highest ask), the newest
   * trades as [ts, type, price, qty], and the volume and count of every trade.
   */
  flow() {
    const q = this.quotes, t = this.trades;
    let quotes: number[][] = [];
    const n = q.length / 3;
    if (n <= MAX_QUOTES) {
      for (let i = 0; i < q.length; i += 3) quotes.push([q[i], q[i + 1], q[i + 2]]);
    } else {
      const size = Math.ceil(n / (MAX_QUOTES / 2));
      quotes = [];
      for (let b = 0; b < n; b += size) {
        let bid = Infinity, ask = -Infinity;
        const end = Math.min(n, b + size);
        for (let i = b; i < end; i++) {
          bid = Math.min(bid, q[i * 3 + 1]);
          ask = Math.max(ask, q[i * 3 + 2]);
        }
        quotes.push([q[(end - 1) * 3], bid, ask]);
      }
    }
    const trades: number[][] = [];
    for (let i = Math.max(0, t.length - 4 * MAX_TRADES); i < t.length; i += 4) {
      trades.push([t[i], t[i + 1], t[i + 2], t[i + 3]]);
    }
    const out = { quotes, trades, tradeCount: t.length / 4, volume: this.volume };
    this.quotes = [];
    this.trades = [];
    this.volume = 0;
    return out;
  }

  row() {
    const b = this.book;
    if (!b) return { symbol: this.symbol, events: 0 };
    const bid = b.bidPrice[0], ask = b.askPrice[0];
    return {
      symbol: this.symbol,
      bid,
      ask,
      mid: (bid + ask) / 2,
      spread: ask - bid,
      last: this.lastTrade || (bid + ask) / 2,
      events: this.events,
    };
  }

  ladder() {
    const b = this.book;
    if (!b) return { bids: [], asks: [] };
    const side = (p: Int32Array, d: Int32Array) => Array.from(p, (price, k) => [price, d[k]]);
    return { bids: side(b.bidPrice, b.bidDepth), asks: side(b.askPrice, b.askDepth) };
  }
}

/**
 * Streams a run as snapshots paced to simulated time at a chosen speed: per tick, each
 * security's best bid and ask (the book is rebuilt from the recorded events), and for the one
 * in focus its ladder and newest events. A run still being generated is followed as it grows.
 */
export class ReplayStream {
  private speed: number;
  private paused = false;
  private stopped = false;
  private focus = 0;
  private wake: (() => void) | null = null;
  /** Pacing origin: simulated ns `simOrigin` is due at wall ms `wallOrigin`. */
  private wallOrigin = 0;
  private simOrigin = 0;
  private dropped = 0;
  private sent = 0;
  private maxLagMs = 0;
  /** The most bytes seen queued on the socket before a snapshot. */
  private maxBacklog = 0;
  /** Simulated time (ns since midnight) of the last snapshot. */
  private sim = 0;
  private live: boolean;

  constructor(
    private readonly catalog: Catalog,
    private readonly id: string,
    opts: { speed: number; live: boolean },
    private readonly out: Transport,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.speed = opts.speed;
    this.live = opts.live;
  }

  control(c: Control): string | null {
    if (c.type === "set_speed") {
      if (!(typeof c.speed === "number" && c.speed >= MIN_SPEED && c.speed <= MAX_SPEED)) {
        return `speed must be a number from ${MIN_SPEED} to ${MAX_SPEED}`;
      }
      this.rebase();
      this.speed = c.speed;
    } else if (c.type === "pause") {
      this.paused = true;
    } else if (c.type === "resume") {
      this.paused = false;
      this.rebase();
    } else if (c.type === "focus") {
      const i = this.catalog.plan(this.id).symbols.indexOf(c.symbol);
      if (i < 0) return `no security '${c.symbol}' in this run`;
      this.focus = i;
    } else {
      return `unknown message type '${(c as { type: unknown }).type}'`;
    }
    this.wake?.();
    this.out.send({ type: "state", speed: this.speed, paused: this.paused });
    return null;
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  async run(): Promise<void> {
    const plan = this.catalog.plan(this.id);
    const growing = () => this.catalog.active.get(this.id)?.running ?? false;
    this.out.send({ type: "hello", run: this.catalog.summary(this.id), speed: this.speed });
    let day = 0;
    if (this.live) {
      day = Math.max(0, Math.min(...this.catalog.sessions(this.id).map((s) => s.length)) - 1);
    }
    while (!this.stopped && (plan.days === 0 || day < plan.days)) {
      const refs = this.catalog.sessions(this.id).map((s) => s[day]);
      if (refs.some((r) => r === undefined)) {
        if (!growing()) break;
        await this.sleep(POLL_MS);
        continue;
      }
      if (day > 0 && !this.live) await this.overnight(refs[0].date);
      await this.replayDay(day, plan.days, refs, plan.symbols, plan.sessionSeconds, growing);
      day++;
    }
    this.out.send({
      type: "end",
      sent: this.sent,
      dropped: this.dropped,
      maxLagMs: Math.round(this.maxLagMs),
      maxBacklogBytes: this.maxBacklog,
    });
  }

  private async replayDay(
    day: number,
    days: number,
    refs: SessionRef[],
    symbols: (string | null)[],
    sessionSeconds: number,
    growing: () => boolean,
  ): Promise<void> {
    const secs = refs.map((r, i) => new SecurityReplay(symbols[i], r));
    secs[Math.min(this.focus, secs.length - 1)].tracking = true;
    const date = refs[0].date;
    while (!this.stopped && secs.some((s) => !s.book)) {
      for (const s of secs) await this.advance(s, -1, growing());
      if (secs.some((s) => !s.book)) {
        if (!growing()) return;
        await this.sleep(POLL_MS);
      }
    }
    const open = secs[0].cursor.header!.marketOpenNs;
    const close = open + sessionSeconds * 1e9;
    let sim = open;
    this.out.send({ type: "day", day: day + 1, days, date, open, close });
    this.rebase(sim);
    let lastSentSeq = secs.map(() => 0);
    while (!this.stopped) {
      while (this.paused && !this.stopped) await this.sleep(1000);
      const stepMs = Math.min(
        Math.max((sessionSeconds * 1000) / SNAPSHOTS_PER_DAY / this.speed, MIN_TICK_MS),
        MAX_TICK_MS,
      );
      const target = Math.min(sim + stepMs * this.speed * 1e6, close);
      const live = growing();
      let reached = target;
      for (const s of secs) {
        if ((await this.advance(s, target, live)) === "starved") {
          reached = Math.min(reached, s.lastTs);
        }
      }
      const caughtUp = reached < target;
      sim = Math.max(sim, reached);
      if (caughtUp) this.live = false;
      const due = this.wallOrigin + (sim - this.simOrigin) / 1e6 / this.speed;
      const wait = due - this.now();
      if (wait > 0 && !this.live) await this.sleep(wait);
      else {
        if (!this.live) this.maxLagMs = Math.max(this.maxLagMs, -wait);
        await yieldToOthers();
      }
      if (this.live) this.rebase(sim);
      this.sim = sim;
      // Paused while waiting: this snapshot goes out on resume, nothing before.
      while (this.paused && !this.stopped) await this.sleep(1000);
      lastSentSeq = this.tick(secs, lastSentSeq, day, days, date, sim, open, close);
      if (sim >= close) {
        let ended = true;
        for (const s of secs) {
          ended = (await this.advance(s, Infinity, live)) === "reached" && ended;
        }
        if (ended) break;
      }
      if (caughtUp) {
        // Following a run as it is written: wait for more data, pacing from where it resumes.
        await this.sleep(POLL_MS);
        this.rebase(sim);
      }
    }
    for (const s of secs) s.cursor.close();
  }

  private tick(
    secs: SecurityReplay[],
    lastSentSeq: number[],
    day: number,
    days: number,
    date: string,
    sim: number,
    open: number,
    close: number,
  ): number[] {
    const backlog = this.out.backlog();
    this.maxBacklog = Math.max(this.maxBacklog, backlog);
    if (backlog > MAX_BACKLOG_BYTES) {
      this.dropped++;
      return lastSentSeq;
    }
    const f = secs[Math.min(this.focus, secs.length - 1)];
    secs.forEach((s) => s.tracking = s === f);
    const fresh = Math.min(f.events - lastSentSeq[this.focus], f.recent.length);
    const dayFraction = (sim - open) / (close - open);
    this.out.send({
      type: "tick",
      day: day + 1,
      days,
      date,
      t: sim,
      progress: days ? (day + dayFraction) / days : dayFraction,
      speed: this.speed,
      securities: secs.map((s) => s.row()),
      focus: {
        symbol: f.symbol,
        ...f.ladder(),
        events: f.recent.slice(f.recent.length - fresh),
        ...f.flow(),
      },
      lagMs: Math.max(
        0,
        Math.round(this.now() - this.wallOrigin - (sim - this.simOrigin) / 1e6 / this.speed),
      ),
      dropped: this.dropped,
    });
    this.sent++;
    return secs.map((s) => s.events);
  }

  /** Advances one security to `ts`, a chunk at a time, yielding to others in between. */
  private async advance(s: SecurityReplay, ts: number, growing: boolean): Promise<Advance> {
    for (;;) {
      const r = await replayTurn(() => s.advance(ts, growing));
      if (r !== "more") return r;
      await yieldToOthers();
      if (this.stopped) return "reached";
    }
  }

  private async overnight(nextDate: string): Promise<void> {
    this.out.send({ type: "closed", next: nextDate });
    await this.sleep(OVERNIGHT_MS);
  }

  private rebase(sim = this.sim): void {
    this.sim = sim;
    this.simOrigin = sim;
    this.wallOrigin = this.now();
  }

  /** Sleeps, waking early on a control message or a stop. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
