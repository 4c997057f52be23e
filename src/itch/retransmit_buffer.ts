import { decodeMoldPacket, MOLD_HEADER_SIZE, MoldPacketizer } from "./moldudp64.ts";

interface Held {
  /** Order of the session among those seen (sessions follow one another). */
  day: number;
  first: number;
  count: number;
  /** The packet as it was sent: header, then the framed messages. */
  packet: Uint8Array;
}

/** What a re-request got: packets to send, or none because its start has left the buffer. */
export interface Answer {
  packets: Uint8Array[];
  messages: number;
  /** The first message asked for is no longer held (or was never sent). */
  gone: boolean;
}

/**
 * The feed's most recent data packets, at most `capacity` messages across sessions, oldest
 * dropped first, to answer MoldUDP64 re-requests with packets of the normal format.
 */
export class RetransmitBuffer {
  private held: Held[] = [];
  private head = 0;
  private messages = 0;
  /** Per session: its order, and the sequence number after the last message sent. */
  private readonly days = new Map<string, { day: number; end: number }>();

  constructor(readonly capacity: number) {}

  /** Keeps a data packet of the live feed (heartbeats and ends of session are not kept). */
  add(packet: Uint8Array): void {
    const p = decodeMoldPacket(packet);
    if (!p || p.count === 0 || p.count === 0xffff) return;
    let d = this.days.get(p.session);
    if (d === undefined) this.days.set(p.session, d = { day: this.days.size, end: 1 });
    const first = Number(p.sequence);
    d.end = first + p.count;
    this.held.push({ day: d.day, first, count: p.count, packet });
    this.messages += p.count;
    while (this.messages > this.capacity && this.head < this.held.length) {
      this.messages -= this.held[this.head++].count;
    }
    if (this.head > 4096 && this.head * 2 > this.held.length) {
      this.held = this.held.slice(this.head);
      this.head = 0;
    }
  }

  /** Messages held now. */
  get size(): number {
    return this.messages;
  }

  /**
   * Messages `sequence`, `sequence + 1`, ... of `session`, at most `count` and at most
   * `maxPackets` packets of at most `packetSize` bytes, as far as they have been sent.
   */
  answer(
    session: string,
    sequence: bigint,
    count: number,
    packetSize: number,
    maxPackets: number,
  ): Answer {
    const d = this.days.get(session);
    if (d === undefined) return { packets: [], messages: 0, gone: true };
    // Not sent yet: nothing to answer, and nothing lost.
    if (sequence >= BigInt(d.end)) return { packets: [], messages: 0, gone: false };
    const seq = Number(sequence), day = d.day;
    let i = this.find(day, seq);
    if (i < 0) return { packets: [], messages: 0, gone: true };
    const packets: Uint8Array[] = [];
    const mold = new MoldPacketizer(packetSize, (p) => packets.push(p));
    mold.startSession(session);
    mold.nextSequence = seq;
    let want = count, next = seq;
    while (want > 0 && i < this.held.length && packets.length < maxPackets) {
      const h = this.held[i];
      if (h.day !== day || h.first > next) break;
      const framed = h.packet.subarray(MOLD_HEADER_SIZE);
      let o = 0;
      for (let k = h.first; k < next; k++) o += 2 + ((framed[o] << 8) | framed[o + 1]);
      let end = o, n = 0;
      while (end < framed.length && n < want) {
        end += 2 + ((framed[end] << 8) | framed[end + 1]);
        n++;
      }
      mold.add(framed.subarray(o, end));
      want -= n;
      next += n;
      i++;
    }
    mold.flush();
    packets.length = Math.min(packets.length, maxPackets);
    let messages = 0;
    for (const p of packets) messages += (p[18] << 8) | p[19];
    return { packets, messages, gone: false };
  }

  /** Index of the held packet of `day` that carries message `seq`, or -1. */
  private find(day: number, seq: number): number {
    let lo = this.head, hi = this.held.length - 1, at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const h = this.held[mid];
      if (h.day < day || (h.day === day && h.first <= seq)) {
        at = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (at < 0) return -1;
    const h = this.held[at];
    return h.day === day && seq < h.first + h.count ? at : -1;
  }
}
