import { AtomicFile } from "../core/atomic_file.ts";

/**
 * Classic pcap capture files (libpcap format 2.4, microsecond timestamps, Ethernet link type) of
 * UDP datagrams over IPv4, readable by tcpdump and Wireshark and replayable by tcpreplay. The file
 * goes through the output layer: a hidden temporary name beside the final one, renamed when
 * closed; a symbolic link or a device at the path is refused.
 */

export interface UdpAddress {
  /** A dotted IPv4 address; anything else is recorded as 0.0.0.0. */
  host: string;
  port: number;
}

const BUFFER = 1 << 20;
const FRAME_HEADERS = 14 + 20 + 8;

function ipv4(host: string): number[] {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  const parts = m ? m.slice(1).map(Number) : [0, 0, 0, 0];
  return parts.every((p) => p <= 255) ? parts : [0, 0, 0, 0];
}

/** The Ethernet address of an IPv4 multicast group (01:00:5e + its low 23 bits), else zeros. */
function mac(ip: number[]): number[] {
  return ip[0] >= 224 && ip[0] <= 239
    ? [0x01, 0x00, 0x5e, ip[1] & 0x7f, ip[2], ip[3]]
    : [0, 0, 0, 0, 0, 0];
}

export class PcapWriter {
  private readonly buffer = new Uint8Array(BUFFER);
  private readonly view = new DataView(this.buffer.buffer);
  private used = 0;
  private id = 0;
  packets = 0;

  private constructor(private readonly file: AtomicFile) {
    const v = this.view;
    v.setUint32(0, 0xa1b2c3d4, true);
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setUint32(16, 65535, true);
    v.setUint32(20, 1, true);
    this.used = 24;
  }

  static open(path: string, flag = "--pcap"): PcapWriter {
    return new PcapWriter(AtomicFile.create(path, flag));
  }

  /** One datagram, sent (or received) at `timeMs` (milliseconds since the Unix epoch). */
  write(payload: Uint8Array, from: UdpAddress, to: UdpAddress, timeMs: number): void {
    const frame = FRAME_HEADERS + payload.length;
    if (this.used + 16 + frame > BUFFER) this.drain();
    const v = this.view, b = this.buffer;
    let o = this.used;
    const us = Math.round(timeMs * 1000);
    v.setUint32(o, Math.floor(us / 1e6), true);
    v.setUint32(o + 4, us % 1e6, true);
    v.setUint32(o + 8, frame, true);
    v.setUint32(o + 12, frame, true);
    o += 16;
    const src = ipv4(from.host), dst = ipv4(to.host);
    b.set(mac(dst), o);
    b.set([0, 0, 0, 0, 0, 0], o + 6);
    v.setUint16(o + 12, 0x0800);
    o += 14;
    const ip = o;
    b[o] = 0x45;
    b[o + 1] = 0;
    v.setUint16(o + 2, 20 + 8 + payload.length);
    v.setUint16(o + 4, this.id++ & 0xffff);
    v.setUint16(o + 6, 0x4000);
    b[o + 8] = 64;
    b[o + 9] = 17;
    v.setUint16(o + 10, 0);
    b.set(src, o + 12);
    b.set(dst, o + 16);
    let sum = 0;
    for (let k = 0; k < 20; k += 2) sum += v.getUint16(ip + k);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    v.setUint16(ip + 10, ~sum & 0xffff);
    o += 20;
    v.setUint16(o, from.port);
    v.setUint16(o + 2, to.port);
    v.setUint16(o + 4, 8 + payload.length);
    // No UDP checksum (0), which IPv4 allows.
    v.setUint16(o + 6, 0);
    b.set(payload, o + 8);
    this.used = o + 8 + payload.length;
    this.packets++;
  }

  /** Writes out what is buffered and renames the file to its final name. */
  close(): void {
    this.drain();
    this.file.commit();
  }

  /** Gives the capture up: the temporary file is removed. */
  abort(): void {
    this.file.abort();
  }

  private drain(): void {
    this.file.write(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}
