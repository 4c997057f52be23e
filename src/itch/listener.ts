import { decodeItch } from "./decode.ts";
import type { ItchMessage } from "./decode.ts";
import { ListenBook } from "./listen_book.ts";
import { decodeMoldPacket, END_OF_SESSION } from "./moldudp64.ts";

export interface ListenStats {
  packets: number;
  messages: number;
  heartbeats: number;
  endsOfSession: number;
  /** Sequence gaps seen, and the messages they are missing. */
  gaps: number;
  missing: number;
  /** Messages received more than once. */
  duplicates: number;
  /** Datagrams too short or with a torn message. */
  malformed: number;
  byType: Record<string, number>;
}

/**
 * Follows MoldUDP64 sessions: checks each packet's sequence number against the next one
 * expected (reporting gaps and duplicates), and hands each new message on in order.
 */
export class FeedListener {
  readonly stats: ListenStats = {
    packets: 0,
    messages: 0,
    heartbeats: 0,
    endsOfSession: 0,
    gaps: 0,
    missing: 0,
    duplicates: 0,
    malformed: 0,
    byType: {},
  };
  readonly book: ListenBook | null;
  session = "";
  /** Sequence number of the next message expected in `session`. */
  expected = 1;

  constructor(
    withBook: boolean,
    private readonly onMessage: (m: ItchMessage, sequence: number) => void,
    private readonly onEvent: (text: string) => void = () => {},
  ) {
    this.book = withBook ? new ListenBook() : null;
  }

  onPacket(packet: Uint8Array): void {
    const p = decodeMoldPacket(packet);
    this.stats.packets++;
    if (!p) {
      this.stats.malformed++;
      return;
    }
    if (p.session !== this.session) {
      if (this.session && this.expected > 1) this.onEvent(`session ${this.session} ended`);
      this.session = p.session;
      this.expected = 1;
      this.book?.reset();
      this.onEvent(`session ${p.session}`);
    }
    if (p.count === 0 || p.count === END_OF_SESSION) {
      if (p.count === 0) this.stats.heartbeats++;
      else this.stats.endsOfSession++;
      this.gapTo(p.sequence);
      if (p.count === END_OF_SESSION) this.onEvent(`end of session ${p.session}`);
      return;
    }
    const skip = Math.max(0, this.expected - p.sequence);
    if (skip > 0) this.stats.duplicates += Math.min(skip, p.count);
    this.gapTo(p.sequence);
    const v = new DataView(p.messages.buffer, p.messages.byteOffset, p.messages.byteLength);
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
      if (i >= skip) {
        const m = decodeItch(p.messages.subarray(o + 2, o + 2 + size));
        this.stats.messages++;
        this.stats.byType[m.type] = (this.stats.byType[m.type] ?? 0) + 1;
        this.book?.apply(m);
        this.onMessage(m, p.sequence + i);
        this.expected = p.sequence + i + 1;
      }
      o += 2 + size;
    }
  }

  private gapTo(sequence: number): void {
    if (sequence > this.expected) {
      this.stats.gaps++;
      this.stats.missing += sequence - this.expected;
      this.onEvent(`gap: messages ${this.expected}-${sequence - 1} of ${this.session} missing`);
      this.expected = sequence;
    }
  }
}
