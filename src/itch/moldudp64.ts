/**
 * MoldUDP64 packets (itch.md "MoldUDP64 over UDP"): session (10 ASCII bytes), sequence number
 * of the first message (u64), message count (u16), then each message as u16 length + bytes.
 */

export const MOLD_HEADER_SIZE = 20;
export const END_OF_SESSION = 0xffff;
export const DEFAULT_PACKET_SIZE = 1400;
/** The smallest packet limit that still carries the largest message (R, 39 bytes). */
export const MIN_PACKET_SIZE = MOLD_HEADER_SIZE + 2 + 39;

/** The session name of a trading date: `Q` + YYYYMMDD + `A`. */
export function sessionName(date: string): string {
  return `Q${date.replaceAll("-", "")}A`;
}

export function encodeMoldHeader(
  into: Uint8Array,
  session: string,
  sequence: number | bigint,
  count: number,
): void {
  for (let i = 0; i < 10; i++) into[i] = i < session.length ? session.charCodeAt(i) : 0x20;
  const v = new DataView(into.buffer, into.byteOffset, MOLD_HEADER_SIZE);
  if (typeof sequence === "bigint") {
    v.setBigUint64(10, sequence);
  } else {
    const hi = Math.floor(sequence / 4294967296);
    v.setUint32(10, hi);
    v.setUint32(14, sequence - hi * 4294967296);
  }
  v.setUint16(18, count);
}

export interface MoldPacket {
  session: string;
  /** A u64 kept exactly (a double loses it above 2^53). */
  sequence: bigint;
  count: number;
  /** The framed messages that follow the header (empty for heartbeats and end of session). */
  messages: Uint8Array;
}

/** Reads a packet's header; null when it is shorter than one. */
export function decodeMoldPacket(packet: Uint8Array): MoldPacket | null {
  if (packet.length < MOLD_HEADER_SIZE) return null;
  const v = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  return {
    session: String.fromCharCode(...packet.subarray(0, 10)),
    sequence: v.getBigUint64(10),
    count: v.getUint16(18),
    messages: packet.subarray(MOLD_HEADER_SIZE),
  };
}

/**
 * Cuts a stream of framed messages into packets of at most `maxSize` bytes. It never holds a
 * partly filled packet on its own: the owner calls `flush` (time-based) when it should leave.
 */
export class MoldPacketizer {
  private readonly packet: Uint8Array;
  private used = MOLD_HEADER_SIZE;
  private count = 0;
  private session = "";
  /** Sequence number of the next message. */
  nextSequence = 1;
  packets = 0;
  /** When the partly filled packet got its first message (`performance.now()`), or null. */
  pendingSince: number | null = null;
  /** When that first message was due (paced feeds), else equal to `pendingSince`. */
  pendingDue = 0;

  constructor(
    private readonly maxSize: number,
    private readonly send: (packet: Uint8Array, dueMs: number | null) => void,
  ) {
    this.packet = new Uint8Array(maxSize);
  }

  startSession(name: string): void {
    this.session = name;
    this.nextSequence = 1;
  }

  /** Adds framed messages, sending each packet that fills. */
  add(framed: Uint8Array, dueMs?: number): void {
    let o = 0;
    while (o < framed.length) {
      const size = 2 + ((framed[o] << 8) | framed[o + 1]);
      if (this.used + size > this.maxSize) this.flush();
      if (this.count === 0) {
        this.pendingSince = performance.now();
        this.pendingDue = dueMs ?? this.pendingSince;
      }
      this.packet.set(framed.subarray(o, o + size), this.used);
      this.used += size;
      this.count++;
      o += size;
    }
  }

  /** Sends the partly filled packet, if any. */
  flush(): void {
    if (this.count === 0) return;
    encodeMoldHeader(this.packet, this.session, this.nextSequence, this.count);
    this.nextSequence += this.count;
    const due = this.pendingDue;
    this.count = 0;
    this.pendingSince = null;
    const packet = this.packet.slice(0, this.used);
    this.used = MOLD_HEADER_SIZE;
    this.packets++;
    this.send(packet, due);
  }

  /** A packet without messages: heartbeat (count 0) or end of session (count 0xFFFF). */
  private empty(count: number): void {
    this.flush();
    const packet = new Uint8Array(MOLD_HEADER_SIZE);
    encodeMoldHeader(packet, this.session, this.nextSequence, count);
    this.packets++;
    this.send(packet, null);
  }

  heartbeat(): void {
    this.empty(0);
  }

  endSession(): void {
    this.empty(END_OF_SESSION);
  }
}
