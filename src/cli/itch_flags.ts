import { UsageError } from "../core/errors.ts";
import { DEFAULT_PACKET_SIZE, MIN_PACKET_SIZE } from "../itch/moldudp64.ts";
import { isIpv4, parseEndpoint } from "../itch/udp_address.ts";
import type { UdpOptions } from "../itch/udp_output.ts";
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
});

/** The UDP options of the flags, or null when neither --udp nor --multicast is given. */
export function udpFeedFromFlags(
  values: FlagValues<typeof UDP_FEED_FLAGS>,
): (UdpOptions & { flag: string }) | null {
  const { udp, multicast } = values;
  if (udp && multicast) throw new UsageError("give --udp or --multicast, not both");
  if (!udp && !multicast) return null;
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
  };
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
