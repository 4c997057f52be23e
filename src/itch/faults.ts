/**
 * Faults put on the packets of a live feed on purpose, reproducibly: each decision is a hash of
 * the seed, the session and the packet's sequence number, so the same feed with the same seed
 * loses, repeats and reorders the same packets. Only the wire sees them; the retransmission
 * buffer keeps every packet as it should have been.
 */

export interface FaultOptions {
  seed: number;
  /** Probability that a packet is lost (the first of a run of `burstLoss`). */
  drop: number;
  burstLoss: number;
  duplicate: number;
  /** Probability that a packet is held back by 1..reorderDepth packets. */
  reorder: number;
  reorderDepth: number;
  /** Each packet leaves `delayMs ± jitterMs` late (uniform); 0: at once. */
  delayMs: number;
  jitterMs: number;
}

/** Packets, and the messages they carry. */
export interface FaultStats {
  dropped: number;
  droppedMessages: number;
  duplicated: number;
  duplicatedMessages: number;
  reordered: number;
  reorderedMessages: number;
  delayed: number;
}

/** A packet to send, and how many ms from now. */
export interface Outgoing {
  packet: Uint8Array;
  delayMs: number;
}

export function hasFaults(f: FaultOptions): boolean {
  return f.drop > 0 || f.duplicate > 0 || f.reorder > 0 || f.delayMs > 0 || f.jitterMs > 0;
}

/** A uniform number in [0, 1) from 32-bit words (a murmur3-style finaliser over each). */
export function faultHash(words: number[]): number {
  let h = 0x9e3779b9;
  for (const w of words) {
    h = Math.imul(h ^ (w >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return (h >>> 0) / 4294967296;
}

function sessionWord(session: string): number {
  let h = 0;
  for (let i = 0; i < session.length; i++) h = Math.imul(h, 31) + session.charCodeAt(i) | 0;
  return h;
}

/** A packet held back, with the number of packets still to pass before it. */
interface Held {
  packet: Uint8Array;
  after: number;
  u: number;
}

const DROP = 1, DUPLICATE = 2, REORDER = 3, DEPTH = 4, DELAY = 5;

/** Passes the live feed's packets through the configured faults. */
export class FaultInjector {
  readonly stats: FaultStats = {
    dropped: 0,
    droppedMessages: 0,
    duplicated: 0,
    duplicatedMessages: 0,
    reordered: 0,
    reorderedMessages: 0,
    delayed: 0,
  };
  private burstLeft = 0;
  private held: Held[] = [];

  constructor(private readonly opts: FaultOptions) {}

  /**
   * What to send for one packet of the feed (its header says session, sequence and count):
   * nothing (lost), the packet, twice, later, and any held-back packet whose turn has come.
   */
  pass(packet: Uint8Array): Outgoing[] {
    const o = this.opts;
    const v = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
    const count = v.getUint16(18);
    const key = [
      o.seed,
      sessionWord(String.fromCharCode(...packet.subarray(0, 10))),
      v.getUint32(10),
      v.getUint32(14),
      count,
    ];
    const u = (what: number) => faultHash([...key, what]);
    const out: Outgoing[] = [];
    let hold: Held | null = null;
    const messages = count === 0xffff ? 0 : count;
    if (this.burstLeft > 0 || (o.drop > 0 && u(DROP) < o.drop)) {
      this.burstLeft = this.burstLeft > 0 ? this.burstLeft - 1 : o.burstLoss - 1;
      this.stats.dropped++;
      this.stats.droppedMessages += messages;
    } else if (o.reorder > 0 && u(REORDER) < o.reorder) {
      this.stats.reordered++;
      this.stats.reorderedMessages += messages;
      hold = { packet, after: 1 + Math.floor(u(DEPTH) * o.reorderDepth), u: u(DELAY) };
    } else {
      out.push(this.delayed(packet, u(DELAY)));
      if (o.duplicate > 0 && u(DUPLICATE) < o.duplicate) {
        this.stats.duplicated++;
        this.stats.duplicatedMessages += messages;
        out.push(this.delayed(packet, u(DELAY)));
      }
    }
    const keep: Held[] = [];
    for (const h of this.held) {
      if (--h.after <= 0) out.push(this.delayed(h.packet, h.u));
      else keep.push(h);
    }
    if (hold) keep.push(hold);
    this.held = keep;
    return out;
  }

  /** Every held-back packet, now (the day or the feed ends). */
  drain(): Outgoing[] {
    const out = this.held.map((h) => this.delayed(h.packet, h.u));
    this.held = [];
    return out;
  }

  private delayed(packet: Uint8Array, u: number): Outgoing {
    const { delayMs, jitterMs } = this.opts;
    const ms = Math.max(0, delayMs + (2 * u - 1) * jitterMs);
    if (ms > 0) this.stats.delayed++;
    return { packet, delayMs: ms };
  }
}
