import { decodeItch } from "./decode.ts";
import type { ItchMessage } from "./decode.ts";
import { ListenBook } from "./listen_book.ts";
import { decodeMoldPacket, END_OF_SESSION } from "./moldudp64.ts";
import { SequenceHoles } from "./sequence_holes.ts";

export interface ListenStats {
  packets: number;
  messages: number;
  heartbeats: number;
  /** Sessions finished: their end of session seen and every message in or given up. */
  endsOfSession: number;
  /** End-of-session packets beyond the first of their session (a feed repeats them). */
  repeatedEnds: number;
  /** Sequence gaps seen, and the messages they still miss (given up, not filled later). */
  gaps: number;
  /** A u64 count: a gap may span nearly all of the sequence numbers. */
  missing: bigint;
  /** Messages that came by re-request. */
  recovered: number;
  /** Messages that came after their gap had been given up. */
  late: number;
  /** Messages received more than once. */
  duplicates: number;
  /** Datagrams too short or with a torn message. */
  malformed: number;
  /** Packets of another session than the one followed, ignored. */
  foreign: number;
  /** Re-requests sent (retries included). */
  requests: number;
  byType: Record<string, number>;
}

/** How gaps are filled: MoldUDP64 re-requests, retried, given up after a while. */
export interface Recovery {
  request(session: string, sequence: bigint, count: number): void;
  /** Ask again when nothing came for this long (doubled at each retry, up to 1 s). */
  retryMs: number;
  /** Give a gap up when nothing of it came for this long. */
  giveUpMs: number;
  /** Messages per request (MoldUDP64's count is a u16). */
  maxRequest: number;
}

export interface ListenerOptions {
  book: boolean;
  /** null: a gap is given up as soon as it is seen. */
  recovery: Recovery | null;
  onMessage: (m: ItchMessage, sequence: bigint) => void;
  onEvent?: (text: string) => void;
  now?: () => number;
  /** Messages held while a gap before them is being filled; beyond, the gap is given up. */
  maxPending?: number;
}

interface Pending {
  sequence: bigint;
  count: number;
  messages: Uint8Array;
  recovered: boolean;
}

/** A foreign session takes over when the one followed has been silent this long. */
const TAKEOVER_MS = 3000;
/** Packets of another session, ignored, after which it is followed once the current one ends. */
const FOLLOW_AFTER = 3;
/** Foreign sessions named in events; more are only counted. */
const FOREIGN_NAMED = 10;

/**
 * Follows MoldUDP64 sessions and hands on their messages in sequence order, each once: it tracks
 * the session (a packet of another one is reported and ignored), fills gaps by re-request when it
 * can (holding what comes after a gap until it is filled), accepts late packets, and marks the book
 * invalid from the first message it had to give up until the next session.
 */
export class FeedListener {
  readonly stats: ListenStats = {
    packets: 0,
    messages: 0,
    heartbeats: 0,
    endsOfSession: 0,
    repeatedEnds: 0,
    gaps: 0,
    missing: 0n,
    recovered: 0,
    late: 0,
    duplicates: 0,
    malformed: 0,
    foreign: 0,
    requests: 0,
    byType: {},
  };
  readonly book: ListenBook | null;
  /** The session followed ("" between sessions). */
  session = "";
  /** Sequence number of the next message to hand on. */
  expected = 1n;
  /** Sequence number after the highest message seen (what a flow-control ack names). */
  highest = 1n;
  /** Per session whose book went invalid: from which sequence number. */
  readonly invalid: { session: string; since: bigint }[] = [];
  private endSequence: bigint | null = null;
  private readonly ended = new Set<string>();
  private readonly foreignNames = new Set<string>();
  private next: { name: string; highest: bigint; end: bigint | null; packets: number } | null =
    null;
  private readonly holes = new SequenceHoles();
  private pending: Pending[] = [];
  private pendingHead = 0;
  private pendingMessages = 0;
  private lastOwn = 0;
  private gapSince: number | null = null;
  private lastProgress = 0;
  private lastRequest = 0;
  private requestEnd = 0n;
  private progressMark = 0n;
  private retryWait = 0;
  private readonly now: () => number;
  private readonly maxPending: number;
  private readonly onEvent: (text: string) => void;

  constructor(private readonly opts: ListenerOptions) {
    this.book = opts.book ? new ListenBook() : null;
    this.now = opts.now ?? (() => performance.now());
    this.maxPending = opts.maxPending ?? 8_000_000;
    this.onEvent = opts.onEvent ?? (() => {});
  }

  /** One datagram; `recovered`: it answers a re-request. */
  onPacket(packet: Uint8Array, recovered = false): void {
    const p = decodeMoldPacket(packet);
    this.stats.packets++;
    if (!p) {
      this.stats.malformed++;
      return;
    }
    if (this.ended.has(p.session)) {
      if (p.count === END_OF_SESSION) this.stats.repeatedEnds++;
      return;
    }
    const now = this.now();
    if (p.session !== this.session) {
      if (this.session && now - this.lastOwn < TAKEOVER_MS) {
        this.foreignPacket(p.session, p.sequence, p.count);
        return;
      }
      if (this.session) {
        this.onEvent(`session ${this.session} silent, following ${p.session}`);
        this.finishSession();
      }
      if (this.session !== p.session) this.startSession(p.session);
    }
    this.lastOwn = now;
    if (p.count === 0 || p.count === END_OF_SESSION) {
      if (p.count === 0) {
        this.stats.heartbeats++;
      } else if (this.endSequence === null) {
        this.endSequence = p.sequence;
      } else {
        this.stats.repeatedEnds++;
      }
      this.seen(p.sequence, p.sequence);
    } else {
      this.onData({ sequence: p.sequence, count: p.count, messages: p.messages, recovered });
    }
    this.advance();
  }

  /** Drives retries and give-ups while no packet comes (call it every few ms). */
  tick(): void {
    if (this.session) this.advance();
  }

  private startSession(name: string): void {
    this.session = name;
    this.expected = 1n;
    this.highest = 1n;
    this.endSequence = null;
    this.holes.clear();
    this.pending = [];
    this.pendingHead = 0;
    this.pendingMessages = 0;
    this.gapSince = null;
    this.requestEnd = 0n;
    this.lastOwn = this.now();
    this.book?.reset();
    this.onEvent(`session ${name}`);
  }

  private finishSession(): void {
    this.ended.add(this.session);
    this.stats.endsOfSession++;
    this.onEvent(`end of session ${this.session}`);
    this.session = "";
    const next = this.next;
    this.next = null;
    // A stray packet or two is not a session to follow.
    if (!next || next.packets < FOLLOW_AFTER || this.ended.has(next.name)) return;
    // What of it was ignored is a gap from its first message.
    this.startSession(next.name);
    this.endSequence = next.end;
    this.seen(next.highest, next.highest);
  }

  /**
   * A packet of another session: ignored, but the last such session is remembered (how far it
   * has gone, where it ends): once the current one ends, it is followed (from a gap at 1) if it
   * sent a few packets (the next day of a feed, while this listener caught up on the day before).
   */
  private foreignPacket(name: string, sequence: bigint, count: number): void {
    const data = count !== 0 && count !== END_OF_SESSION;
    const end = data ? sequence + BigInt(count) : sequence;
    const n = this.next?.name === name
      ? this.next
      : (this.next = { name, highest: 1n, end: null, packets: 0 });
    n.packets++;
    if (end > n.highest) n.highest = end;
    if (count === END_OF_SESSION) n.end = sequence;
    this.stats.foreign++;
    if (this.foreignNames.has(name) || this.foreignNames.size >= FOREIGN_NAMED) return;
    this.foreignNames.add(name);
    this.onEvent(`packet of another session ${name} ignored (following ${this.session})`);
  }

  /** Messages up to `end` exist (seen from `start` on): a new gap when they leave a hole. */
  private seen(start: bigint, end: bigint): void {
    if (start > this.highest) {
      this.stats.gaps++;
      this.onEvent(`gap: messages ${this.highest}-${start - 1n} of ${this.session} missing`);
    }
    if (end > this.highest) this.highest = end;
    if (!this.opts.recovery && start > this.expected) this.giveUp(start);
  }

  private onData(p: Pending): void {
    const end = p.sequence + BigInt(p.count);
    this.seen(p.sequence, end);
    if (p.sequence > this.expected) {
      this.hold(p);
      return;
    }
    this.deliver(p);
    this.drain();
  }

  /** Hands on the packet's messages at and after `expected`; those before are late or repeats. */
  private deliver(p: Pending): void {
    const v = new DataView(p.messages.buffer, p.messages.byteOffset, p.messages.byteLength);
    const skip = this.expected - p.sequence;
    const old = skip >= BigInt(p.count) ? p.count : Number(skip);
    let o = 0;
    for (let i = 0; i < p.count; i++) {
      if (o + 2 > p.messages.length) {
        this.stats.malformed++;
        return;
      }
      const size = v.getUint16(o);
      if (o + 2 + size > p.messages.length) {
        this.stats.malformed++;
        return;
      }
      const seq = p.sequence + BigInt(i);
      if (i >= old) {
        this.handOn(p.messages.subarray(o + 2, o + 2 + size), seq, p.recovered);
        this.expected = seq + 1n;
      } else if (this.holes.take(seq)) {
        this.stats.late++;
        this.stats.missing--;
        this.handOn(p.messages.subarray(o + 2, o + 2 + size), seq, false);
      } else if (!p.recovered) {
        this.stats.duplicates++;
      }
      o += 2 + size;
    }
  }

  private handOn(bytes: Uint8Array, seq: bigint, recovered: boolean): void {
    const m = decodeItch(bytes);
    this.stats.messages++;
    if (recovered) this.stats.recovered++;
    this.stats.byType[m.type] = (this.stats.byType[m.type] ?? 0) + 1;
    this.book?.apply(m);
    this.opts.onMessage(m, seq);
  }

  /** Keeps a packet that came after a gap, in sequence order. */
  private hold(p: Pending): void {
    const list = this.pending;
    let lo = this.pendingHead, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].sequence < p.sequence) lo = mid + 1;
      else hi = mid;
    }
    if (lo < list.length && list[lo].sequence === p.sequence) {
      if (!p.recovered) this.stats.duplicates += p.count;
      return;
    }
    // Its own copy: the datagram's buffer may be reused.
    list.splice(lo, 0, { ...p, messages: p.messages.slice() });
    this.pendingMessages += p.count;
    while (this.pendingMessages > this.maxPending) this.giveUp(list[this.pendingHead].sequence);
  }

  /** Hands on the held packets that the gap before them no longer holds back. */
  private drain(): void {
    const list = this.pending;
    while (this.pendingHead < list.length && list[this.pendingHead].sequence <= this.expected) {
      const p = list[this.pendingHead++];
      this.pendingMessages -= p.count;
      if (p.sequence + BigInt(p.count) > this.expected) this.deliver(p);
    }
    if (this.pendingHead > 1024 && this.pendingHead * 2 > list.length) {
      this.pending = list.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  /** Gives up messages `expected` .. `to - 1`: the book is invalid from the first. */
  private giveUp(to: bigint): void {
    if (to <= this.expected) return;
    this.stats.missing += to - this.expected;
    this.holes.add(this.expected, to);
    if (this.book && this.invalid.at(-1)?.session !== this.session) {
      this.invalid.push({ session: this.session, since: this.expected });
      this.onEvent(`book invalid since seq ${this.expected} of ${this.session}`);
    }
    this.expected = to;
    this.drain();
  }

  /** What blocks the next message: the sequence number after the first gap, or null. */
  private gapEnd(): bigint | null {
    if (this.pendingHead < this.pending.length) return this.pending[this.pendingHead].sequence;
    return this.highest > this.expected ? this.highest : null;
  }

  private advance(): void {
    const r = this.opts.recovery;
    const now = this.now();
    for (;;) {
      const end = this.gapEnd();
      if (end === null) {
        this.gapSince = null;
        if (this.endSequence === null || this.expected < this.endSequence) return;
        this.finishSession();
        if (!this.session) return;
        continue;
      }
      if (!r) {
        this.giveUp(end);
        continue;
      }
      if (this.gapSince === null || this.expected !== this.progressMark) {
        this.gapSince ??= now;
        this.lastProgress = now;
        this.progressMark = this.expected;
        this.retryWait = r.retryMs;
      }
      if (now - this.lastProgress >= r.giveUpMs) {
        this.giveUp(end);
        this.lastProgress = now;
        continue;
      }
      // Two requests in flight at most: the next one goes when the first is half answered.
      const max = BigInt(r.maxRequest);
      if (now - Math.max(this.lastRequest, this.lastProgress) >= this.retryWait) {
        // No answer: ask again, waiting twice as long each time (at most a second).
        this.retryWait = Math.min(this.retryWait * 2, Math.max(r.retryMs, 1000));
        this.requestEnd = this.expected;
      } else if (this.requestEnd < this.expected) {
        this.requestEnd = this.expected;
      }
      while (this.requestEnd < end && this.requestEnd - this.expected < max + max / 2n) {
        const want = end - this.requestEnd;
        const count = want > max ? r.maxRequest : Number(want);
        this.stats.requests++;
        this.lastRequest = now;
        r.request(this.session, this.requestEnd, count);
        this.requestEnd += BigInt(count);
      }
      return;
    }
  }
}
