import type dgram from "node:dgram";
import { decodeMoldPacket, END_OF_SESSION, MOLD_HEADER_SIZE } from "./moldudp64.ts";
import type { RetransmitBuffer } from "./retransmit_buffer.ts";

export interface RetransmitStats {
  requests: number;
  /** Messages sent again. */
  resent: number;
  /** Requests for messages that had left the buffer (answered with nothing). */
  gone: number;
}

/** Packets one request is answered with at most (a listener asks again for the rest). */
export const MAX_ANSWER_PACKETS = 64;

/**
 * A MoldUDP64 re-request server: a request packet (session, sequence, count > 0) is answered,
 * to the address it came from, with the messages from the buffer in packets of the feed's format.
 */
export class RetransmitServer {
  readonly stats: RetransmitStats = { requests: 0, resent: 0, gone: 0 };
  /** When the last request came (`performance.now()`), or when the server opened. */
  lastRequest = performance.now();
  private readonly queue: { packet: Uint8Array; port: number; address: string }[] = [];
  private sending = false;
  error: Error | null = null;

  constructor(
    private readonly socket: dgram.Socket,
    readonly buffer: RetransmitBuffer,
    private readonly packetSize: number,
  ) {
    socket.on("message", (msg, from) => this.onRequest(new Uint8Array(msg), from));
    socket.on("error", (e) => this.error ??= e);
  }

  private onRequest(msg: Uint8Array, from: { address: string; port: number }): void {
    const req = decodeMoldPacket(msg);
    if (!req || msg.length !== MOLD_HEADER_SIZE || req.count === 0) return;
    if (req.count === END_OF_SESSION) return;
    this.lastRequest = performance.now();
    this.stats.requests++;
    const a = this.buffer.answer(
      req.session,
      req.sequence,
      req.count,
      this.packetSize,
      MAX_ANSWER_PACKETS,
    );
    if (a.gone) this.stats.gone++;
    this.stats.resent += a.messages;
    for (const packet of a.packets) this.queue.push({ packet, ...from });
    this.send();
  }

  /** One send at a time: Deno may complete concurrent sends out of order. */
  private send(): void {
    if (this.sending) return;
    const next = this.queue.shift();
    if (!next) return;
    this.sending = true;
    this.socket.send(next.packet, next.port, next.address, (e) => {
      this.sending = false;
      if (e) this.error ??= e;
      this.send();
    });
  }

  close(): void {
    this.socket.close();
  }

  /** Serves until no request has come for `quietMs`, then closes. */
  async linger(quietMs: number): Promise<void> {
    for (;;) {
      const left = this.lastRequest + quietMs - performance.now();
      if (left <= 0 && this.queue.length === 0 && !this.sending) break;
      await new Promise((r) => setTimeout(r, Math.max(left, 10)));
    }
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
