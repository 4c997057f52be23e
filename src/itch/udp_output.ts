import dgram from "node:dgram";
import { UsageError } from "../core/errors.ts";
import { FaultInjector } from "./faults.ts";
import type { FaultOptions, FaultStats } from "./faults.ts";
import type { FeedOutput } from "./feed_output.ts";
import {
  decodeMoldPacket,
  encodeMoldHeader,
  END_OF_SESSION,
  MOLD_HEADER_SIZE,
  MoldPacketizer,
  sessionName,
} from "./moldudp64.ts";
import { RetransmitBuffer } from "./retransmit_buffer.ts";
import { RetransmitServer } from "./retransmit_server.ts";
import type { RetransmitStats } from "./retransmit_server.ts";
import type { UdpEndpoint } from "./udp_address.ts";
import { PcapWriter } from "./pcap.ts";
import type { UdpAddress } from "./pcap.ts";

/** The re-request server of a feed: where it listens, what it keeps. */
export interface RetransmitOptions {
  host: string;
  port: number;
  /** Messages kept for re-requests. */
  buffer: number;
  /** After the feed, serve until no request has come for this long. */
  lingerMs: number;
}

export interface UdpOptions {
  endpoint: UdpEndpoint;
  packetSize: number;
  /** A partly filled packet leaves at most this long after its first message. */
  flushMs: number;
  /** Multicast: hops, and the local interface address to send from. */
  ttl: number;
  iface?: string;
  /**
   * Flow control: at most this many packets beyond the listener's acknowledgement (0: off).
   * A listener acknowledges with a MoldUDP64 request packet of count 0 naming the next
   * sequence number it expects (`qrsdp listen --ack`).
   */
  ackWindow: number;
  retransmit: RetransmitOptions | null;
  /** Faults put on the packets sent (not on those kept for re-requests), or none. */
  faults: FaultOptions | null;
  /** A pcap capture of the packets as they leave (after the faults), or none. */
  pcap: string | null;
}

export interface UdpStats {
  packets: number;
  messages: number;
  heartbeats: number;
  /** Acknowledgements received from a listener (flow control). */
  acks: number;
  /** Milliseconds each paced packet left after its first message was due. */
  lateness: number[];
  faults: FaultStats | null;
  retransmit: RetransmitStats | null;
}

const HEARTBEAT_MS = 1000;
/** The end of session is sent again this many times, this far apart, as real feeds do. */
const END_REPEATS = 3;
const END_REPEAT_MS = 100;
/** Sends outstanding at once: Deno may complete concurrent sends out of order. */
const MAX_IN_FLIGHT = 1;
/**
 * With flow control, how long to wait for an acknowledgement before sending on anyway: long, for a
 * listener that is slow to start or whose machine is busy loses what is sent past its window.
 */
const ACK_TIMEOUT_MS = 15_000;
/**
 * How long the first acknowledgement may take: with none by then there is no listener, and the
 * feed fails (a sender waiting ACK_TIMEOUT_MS per window, then exiting 0, told the user nothing).
 */
const FIRST_ACK_MS = 5_000;

interface Queued {
  packet: Uint8Array;
  due: number | null;
  /** Sequence number just after the packet's messages. */
  end: number;
}

/** Opens a UDP socket; rejects with the system's reason (bad address, no such interface). */
export async function openUdpSocket(
  bindPort = 0,
  bindHost = "0.0.0.0",
  recvBufferSize?: number,
  reuseAddr = false,
): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: "udp4", reuseAddr, recvBufferSize });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(bindPort, bindHost, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  return socket;
}

/**
 * The feed as MoldUDP64 packets over UDP: size-limited packets, time-based flush, heartbeats
 * after a second without data, an end-of-session packet after each day's `C`, session names
 * per day with sequence numbers from 1.
 */
export class UdpFeedOutput implements FeedOutput {
  readonly stats: UdpStats = {
    packets: 0,
    messages: 0,
    heartbeats: 0,
    acks: 0,
    lateness: [],
    faults: null,
    retransmit: null,
  };
  private readonly mold: MoldPacketizer;
  private readonly queue: Queued[] = [];
  private inFlight = 0;
  private acked = 0;
  private session = "";
  private ended = false;
  private lastSend = performance.now();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly heartbeatTimer: ReturnType<typeof setInterval>;
  private error: Error | null = null;
  private wake: (() => void) | null = null;
  private unacked: number[] = [];
  private paced = false;
  /** Flow control waits for no one until the next acknowledgement arrives. */
  private unheard = false;
  private readonly faults: FaultInjector | null;
  private readonly buffer: RetransmitBuffer | null;
  /** Packets due on the socket now, after the faults. */
  private readonly wire: Uint8Array[] = [];
  /** Packets a fault delays, not sent yet. */
  private later = 0;
  /** Repeats of an end of session not sent yet (only the feed's close waits for them). */
  private repeats = 0;
  private readonly from: UdpAddress;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly opts: UdpOptions,
    private readonly server: RetransmitServer | null,
    private readonly pcap: PcapWriter | null,
  ) {
    const host = opts.iface ?? (opts.endpoint.host.startsWith("127.") ? "127.0.0.1" : "0.0.0.0");
    this.from = { host, port: socket.address().port };
    this.faults = opts.faults ? new FaultInjector(opts.faults) : null;
    this.stats.faults = this.faults?.stats ?? null;
    this.stats.retransmit = server?.stats ?? null;
    this.buffer = server?.buffer ?? null;
    this.mold = new MoldPacketizer(
      opts.packetSize,
      (packet, due) => this.queue.push({ packet, due, end: this.mold.nextSequence }),
    );
    socket.on("error", (e) => this.fail(e));
    socket.on("message", (msg) => this.onRequest(new Uint8Array(msg)));
    this.heartbeatTimer = setInterval(() => this.beat(), HEARTBEAT_MS / 4);
  }

  static async open(opts: UdpOptions): Promise<UdpFeedOutput> {
    const socket = await openUdpSocket();
    if (opts.endpoint.multicast) {
      socket.setMulticastTTL(opts.ttl);
      socket.setMulticastLoopback(true);
      if (opts.iface) socket.setMulticastInterface(opts.iface);
    }
    let server: RetransmitServer | null = null;
    if (opts.retransmit) {
      const { host, port, buffer } = opts.retransmit;
      let s;
      try {
        s = await openUdpSocket(port, host);
      } catch (e) {
        socket.close();
        const err = e as Error & { code?: string };
        throw new UsageError(
          `--retransmit: ${err.code === "EADDRINUSE" ? `port ${port} is in use` : err.message}`,
        );
      }
      server = new RetransmitServer(s, new RetransmitBuffer(buffer), opts.packetSize);
    }
    let pcap: PcapWriter | null = null;
    if (opts.pcap) {
      try {
        pcap = PcapWriter.open(opts.pcap);
      } catch (e) {
        socket.close();
        server?.close();
        throw e;
      }
    }
    return new UdpFeedOutput(socket, opts, server, pcap);
  }

  beginDay(date: string): void {
    this.session = sessionName(date);
    this.ended = false;
    this.mold.startSession(this.session);
    this.acked = 1;
    this.unacked = [];
  }

  async write(framed: Uint8Array, messages: number, dueMs?: number): Promise<void> {
    this.stats.messages += messages;
    if (dueMs !== undefined) this.paced = true;
    this.mold.add(framed, dueMs);
    const since = this.mold.pendingSince;
    if (since !== null && performance.now() - since >= this.opts.flushMs) this.mold.flush();
    await this.pump();
    this.armFlush();
  }

  /** The feed is about to sleep until its next message is due: the partial packet leaves now. */
  async idle(): Promise<void> {
    this.mold.flush();
    await this.pump();
  }

  async endDay(): Promise<void> {
    // With flow control the end of session waits until the listener has every message, so
    // that it cannot be the packet a full receive buffer drops.
    this.mold.flush();
    await this.pump();
    while (this.opts.ackWindow > 0 && this.unacked.length > 0 && !this.unheard) {
      await this.awaitAck();
    }
    this.mold.endSession();
    await this.pump();
    for (const o of this.faults?.drain() ?? []) this.toWire(o.packet, o.delayMs);
    await this.pump();
    this.repeatEnd(this.session, this.mold.nextSequence);
    await this.settle();
    // The session is over: no heartbeats until the next day's begins.
    this.ended = true;
  }

  /** Sends the end of session again a few times (past the faults), so one lost cannot hang. */
  private repeatEnd(session: string, sequence: number): void {
    for (let k = 1; k <= END_REPEATS; k++) {
      const packet = new Uint8Array(MOLD_HEADER_SIZE);
      encodeMoldHeader(packet, session, sequence, END_OF_SESSION);
      this.repeats++;
      setTimeout(() => {
        this.repeats--;
        this.stats.packets++;
        this.wire.push(packet);
        this.pump().catch((e) => this.fail(e));
      }, k * END_REPEAT_MS);
    }
  }

  /** A packet for the socket, now or after `delayMs`. */
  private toWire(packet: Uint8Array, delayMs: number): void {
    if (delayMs <= 0) {
      this.wire.push(packet);
      return;
    }
    this.later++;
    setTimeout(() => {
      this.later--;
      this.wire.push(packet);
      this.pump().catch((e) => this.fail(e));
    }, delayMs);
  }

  abort(): void {}

  async close(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.flushTimer);
    this.mold.flush();
    await this.pump();
    for (const o of this.faults?.drain() ?? []) this.toWire(o.packet, o.delayMs);
    await this.pump();
    await this.settle(true);
    if (this.server) {
      this.server.lastRequest = performance.now();
      await this.server.linger(this.opts.retransmit!.lingerMs);
    }
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
    const error = this.error ?? this.server?.error;
    if (error) {
      this.pcap?.abort();
      throw error;
    }
    this.pcap?.close();
  }

  private armFlush(): void {
    const since = this.mold.pendingSince;
    if (since === null || this.flushTimer !== undefined) return;
    const wait = Math.max(0, since + this.opts.flushMs - performance.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const s = this.mold.pendingSince;
      if (s === null) return;
      if (performance.now() - s >= this.opts.flushMs) {
        this.mold.flush();
        this.pump().catch((e) => this.fail(e));
      }
      this.armFlush();
    }, wait);
  }

  private beat(): void {
    if (!this.session || this.ended || this.queue.length > 0 || this.mold.pendingSince !== null) {
      return;
    }
    if (performance.now() - this.lastSend < HEARTBEAT_MS) return;
    this.mold.heartbeat();
    this.stats.heartbeats++;
    this.pump().catch((e) => this.fail(e));
  }

  private fail(e: Error): void {
    this.error ??= e;
    this.wake?.();
  }

  private onRequest(msg: Uint8Array): void {
    const req = decodeMoldPacket(msg);
    if (!req || msg.length !== MOLD_HEADER_SIZE || req.session !== this.session) return;
    if (req.count === 0) {
      this.stats.acks++;
      this.unheard = false;
    }
    if (req.count === 0 && req.sequence > BigInt(this.acked)) {
      this.acked = Number(req.sequence);
      let n = 0;
      while (n < this.unacked.length && this.unacked[n] <= this.acked) n++;
      if (n > 0) this.unacked.splice(0, n);
      this.wake?.();
    }
  }

  /**
   * Waits for a wake-up while the listener's window is full. A listener that acknowledged before
   * and falls silent for ACK_TIMEOUT_MS is sent on to until it acknowledges again; one that never
   * acknowledged within FIRST_ACK_MS is an error.
   */
  private async awaitAck(): Promise<void> {
    const first = this.stats.acks === 0;
    if (await this.waitForWake(first ? FIRST_ACK_MS : ACK_TIMEOUT_MS)) return;
    if (!first) {
      this.unheard = true;
      return;
    }
    const { host, port } = this.opts.endpoint;
    const e = new Error(
      `--ack-window ${this.opts.ackWindow}: no acknowledgement from ${host}:${port} within ` +
        `${FIRST_ACK_MS / 1000} s (is 'qrsdp listen --ack' receiving there?)`,
    );
    this.fail(e);
    throw e;
  }

  /** Resolves true when woken (a send completed, an acknowledgement came), false on timeout. */
  private waitForWake(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve(false);
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve(true);
      };
    });
  }

  /** Sends what is queued, holding back while the socket or the listener's window is full. */
  private pumping: Promise<void> | null = null;
  private pump(): Promise<void> {
    this.pumping ??= this.drain().finally(() => this.pumping = null);
    return this.pumping;
  }

  private async drain(): Promise<void> {
    const { endpoint, ackWindow } = this.opts;
    while (this.queue.length > 0 || this.wire.length > 0) {
      if (this.error) throw this.error;
      if (this.inFlight >= MAX_IN_FLIGHT) {
        await this.waitForWake(ACK_TIMEOUT_MS);
        continue;
      }
      if (this.wire.length === 0) {
        if (ackWindow > 0 && !this.unheard && this.unacked.length >= ackWindow) {
          await this.awaitAck();
          continue;
        }
        this.take(this.queue.shift()!);
        continue;
      }
      const packet = this.wire.shift()!;
      this.inFlight++;
      this.lastSend = performance.now();
      this.pcap?.write(packet, this.from, endpoint, performance.timeOrigin + this.lastSend);
      this.socket.send(packet, endpoint.port, endpoint.host, (e) => {
        this.inFlight--;
        if (e) this.fail(e);
        else this.wake?.();
      });
    }
    if (this.error) throw this.error;
  }

  /** A packet of the feed: kept for re-requests, put through the faults, then on the wire. */
  private take(q: Queued): void {
    const data = q.packet.length > MOLD_HEADER_SIZE;
    if (this.opts.ackWindow > 0 && data) {
      this.unacked.push(q.end);
      if (this.unheard && this.unacked.length > this.opts.ackWindow) this.unacked.shift();
    }
    if (q.due !== null && this.paced) {
      this.stats.lateness.push(Math.max(0, performance.now() - q.due));
    }
    this.stats.packets++;
    this.buffer?.add(q.packet);
    const heartbeat = !data && ((q.packet[18] << 8) | q.packet[19]) === 0;
    if (!this.faults || heartbeat) {
      this.wire.push(q.packet);
      return;
    }
    for (const o of this.faults.pass(q.packet)) this.toWire(o.packet, o.delayMs);
  }

  /** Waits until every send has completed, those due later included. */
  private async settle(repeats = false): Promise<void> {
    const busy = () =>
      this.inFlight > 0 || this.later > 0 || this.wire.length > 0 || (repeats && this.repeats > 0);
    while (busy() && !this.error) {
      await this.waitForWake(ACK_TIMEOUT_MS);
      await this.pump();
    }
    if (this.error) throw this.error;
  }
}
