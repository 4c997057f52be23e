import { UsageError } from "../core/errors.ts";
import { checkOutputPath } from "../core/output_path.ts";
import { DEFAULT_PACKET_SIZE, MIN_PACKET_SIZE } from "../itch/moldudp64.ts";
import { isIpv4, parseEndpoint } from "../itch/udp_address.ts";
import type { RetransmitOptions, UdpOptions } from "../itch/udp_output.ts";
import type { FaultOptions } from "../itch/faults.ts";
import { hasFaults } from "../itch/faults.ts";
import { flags } from "./flags.ts";
import type { FlagValues } from "./flags.ts";

const endpointCheck = (multicast: boolean, what: string) => ({
  test: (text: string) => typeof parseEndpoint(text, multicast) !== "string",
  what,
});

/** The MoldUDP64 sending flags, shared by `itch` and `run`. */
export const UDP_FEED_FLAGS = flags({
  udp: {
    type: "string",
    check: endpointCheck(false, "HOST:PORT"),
    help: "send the ITCH feed in MoldUDP64 packets to HOST:PORT",
  },
  multicast: {
    type: "string",
    check: endpointCheck(true, "GROUP:PORT with an IPv4 multicast group (224-239.x.x.x)"),
    help: "send the ITCH feed to multicast GROUP:PORT",
  },
  ttl: {
    type: "number",
    default: 1,
    integer: true,
    min: 1,
    max: 255,
    help: "with --multicast: hops (time to live)",
  },
  interface: {
    type: "string",
    check: { test: isIpv4, what: "an IPv4 address" },
    help: "with --multicast: local address of the interface to send from",
  },
  "packet-size": {
    type: "number",
    default: DEFAULT_PACKET_SIZE,
    integer: true,
    min: MIN_PACKET_SIZE,
    max: 65507,
    help: "largest UDP packet, bytes",
  },
  "flush-ms": {
    type: "number",
    default: 1,
    min: 0,
    help: "a partly filled packet leaves at most this many ms after its first message",
  },
  "ack-window": {
    type: "number",
    default: 0,
    integer: true,
    min: 0,
    help: "flow control: packets sent ahead of a 'qrsdp listen --ack' listener (0: none)",
  },
  pcap: {
    type: "string",
    help: "with --udp/--multicast: also write the packets as they leave to this pcap file",
  },
  retransmit: {
    type: "string",
    check: { test: (t: string) => typeof retransmitEndpoint(t) !== "string", what: "[HOST:]PORT" },
    help: "answer MoldUDP64 re-requests on this UDP [HOST:]PORT (HOST default 0.0.0.0)",
  },
  "retransmit-buffer": {
    type: "number",
    default: 12_000_000,
    integer: true,
    min: 1,
    help: "with --retransmit: messages kept for re-requests (12 M: over 10 s of a full-speed feed)",
  },
  "retransmit-linger": {
    type: "number",
    default: 5,
    min: 0,
    help: "with --retransmit: after the feed, serve until no request came for this many seconds",
  },
  "fault-seed": {
    type: "number",
    default: 1,
    integer: true,
    min: 0,
    max: 0xffffffff,
    help:
      "faults: the seed of the packets lost, repeated, reordered, delayed (same seed, same faults)",
  },
  drop: probability("faults: probability that a packet is lost"),
  "burst-loss": {
    type: "number",
    default: 1,
    integer: true,
    min: 1,
    help: "faults: each loss takes this many packets in a row",
  },
  duplicate: probability("faults: probability that a packet is sent twice"),
  reorder: probability("faults: probability that a packet is held back (see --reorder-depth)"),
  "reorder-depth": {
    type: "number",
    default: 3,
    integer: true,
    min: 1,
    help: "faults: a reordered packet leaves after 1 to this many later packets",
  },
  delay: {
    type: "string",
    check: { test: (t: string) => parseDelay(t) !== null, what: "MS or MS±MS (MS+-MS)" },
    help: "faults: each packet leaves MS±MS ms late (uniform)",
  },
});

function probability(help: string) {
  return { type: "number", default: 0, min: 0, max: 1, help } as const;
}

/** `MS`, `MS±MS` or `MS+-MS` as [delay, jitter], or null. */
export function parseDelay(text: string): [number, number] | null {
  const m = /^(\d+(?:\.\d+)?)(?:(?:±|\+-)(\d+(?:\.\d+)?))?$/.exec(text);
  if (!m) return null;
  const delay = Number(m[1]), jitter = Number(m[2] ?? 0);
  return jitter <= delay ? [delay, jitter] : null;
}

/** `[HOST:]PORT` of a re-request server, or why not. */
export function retransmitEndpoint(text: string): { host: string; port: number } | string {
  const e = parseEndpoint(text.includes(":") ? text : `0.0.0.0:${text}`, false);
  return typeof e === "string" ? e : { host: e.host, port: e.port };
}

/** The UDP options of the flags, or null when neither --udp nor --multicast is given. */
export function udpFeedFromFlags(
  values: FlagValues<typeof UDP_FEED_FLAGS>,
): (UdpOptions & { flag: string }) | null {
  const { udp, multicast } = values;
  if (udp && multicast) throw new UsageError("give --udp or --multicast, not both");
  if (!udp && !multicast) {
    if (values.pcap !== undefined) throw new UsageError("--pcap needs --udp or --multicast");
    if (values.retransmit !== undefined) {
      throw new UsageError("--retransmit needs --udp or --multicast");
    }
    const fault = (["drop", "duplicate", "reorder"] as const).find((f) => values[f] > 0) ??
      (values.delay !== undefined ? "delay" : undefined);
    if (fault) throw new UsageError(`--${fault} needs --udp or --multicast`);
    return null;
  }
  const endpoint = parseEndpoint((udp ?? multicast)!, !udp);
  if (typeof endpoint === "string") throw new UsageError(endpoint);
  return {
    flag: udp ? "--udp" : "--multicast",
    endpoint,
    ttl: values.ttl,
    iface: values.interface,
    packetSize: values["packet-size"],
    flushMs: values["flush-ms"],
    ackWindow: values["ack-window"],
    retransmit: retransmitFromFlags(values),
    pcap: pcapPath(values.pcap),
    faults: faultsFromFlags(values),
  };
}

/** A pcap file's path, checked as every output path is (not empty, no control characters, ...). */
export function pcapPath(path: string | undefined): string | null {
  if (path === undefined) return null;
  checkOutputPath(path, "--pcap");
  return path;
}

function retransmitFromFlags(values: FlagValues<typeof UDP_FEED_FLAGS>): RetransmitOptions | null {
  if (values.retransmit === undefined) return null;
  const e = retransmitEndpoint(values.retransmit);
  if (typeof e === "string") throw new UsageError(`--retransmit: ${e}`);
  return {
    ...e,
    buffer: values["retransmit-buffer"],
    lingerMs: values["retransmit-linger"] * 1000,
  };
}

function faultsFromFlags(values: FlagValues<typeof UDP_FEED_FLAGS>): FaultOptions | null {
  const [delayMs, jitterMs] = values.delay === undefined ? [0, 0] : parseDelay(values.delay)!;
  const f = {
    seed: values["fault-seed"],
    drop: values.drop,
    burstLoss: values["burst-loss"],
    duplicate: values.duplicate,
    reorder: values.reorder,
    reorderDepth: values["reorder-depth"],
    delayMs,
    jitterMs,
  };
  return hasFaults(f) ? f : null;
}

export const LOT_SIZE_FLAG = {
  type: "number",
  default: 100,
  integer: true,
  min: 1,
  max: 0xffffffff,
  help: "ITCH: shares per order (one unit of depth)",
} as const;

/** `qrsdp run`'s live ITCH feed: daily files and/or MoldUDP64 over UDP while it generates. */
export const LIVE_FEED_FLAGS = flags({
  "itch-dir": {
    type: "string",
    help: "ITCH: also write the feed's daily files (YYYYMMDD.qrsdp_ITCH50) here",
  },
  "lot-size": LOT_SIZE_FLAG,
  ...UDP_FEED_FLAGS,
});
