import { DEFAULT_PACKET_SIZE } from "../itch/moldudp64.ts";
import { parseEndpoint } from "../itch/udp_address.ts";
import type { UdpOptions } from "../itch/udp_output.ts";
import { UsageError } from "./errors.ts";
import { parseNumber } from "./parse.ts";

/** The MoldUDP64 sending flags, shared by `itch` and `run`. */
export const udpFeedFlags = {
  udp: {
    type: "string",
    default: "",
    help: "send the ITCH feed in MoldUDP64 packets to HOST:PORT",
  },
  multicast: { type: "string", default: "", help: "send the ITCH feed to multicast GROUP:PORT" },
  ttl: { type: "string", default: "1", help: "with --multicast: hops (time to live)" },
  interface: {
    type: "string",
    default: "",
    help: "with --multicast: local IPv4 address of the interface to send from",
  },
  "packet-size": {
    type: "string",
    default: String(DEFAULT_PACKET_SIZE),
    help: "largest UDP packet, bytes",
  },
  "flush-ms": {
    type: "string",
    default: "1",
    help: "a partly filled packet leaves at most this many ms after its first message",
  },
  "ack-window": {
    type: "string",
    default: "0",
    help: "flow control: packets sent ahead of a 'qrsdp listen --ack' listener (0: none)",
  },
} as const;

type UdpFlagValues = Partial<Record<keyof typeof udpFeedFlags, string | boolean | undefined>>;

/** The UDP options of the flags, or null when neither --udp nor --multicast is given. */
export function udpFeedOptions(values: UdpFlagValues): (UdpOptions & { flag: string }) | null {
  const unicast = values.udp as string | undefined;
  const group = values.multicast as string | undefined;
  if (unicast && group) throw new UsageError("give --udp or --multicast, not both");
  if (!unicast && !group) return null;
  const flag = unicast ? "--udp" : "--multicast";
  const endpoint = parseEndpoint((unicast ?? group)!, !unicast);
  if (typeof endpoint === "string") throw new UsageError(`${flag}: ${endpoint}`);
  const iface = (values.interface as string | undefined) || undefined;
  if (iface && !/^\d{1,3}(\.\d{1,3}){3}$/.test(iface)) {
    throw new UsageError(`--interface: '${iface}' is not an IPv4 address`);
  }
  return {
    flag,
    endpoint,
    ttl: parseNumber("--ttl", (values.ttl as string) ?? "1", { integer: true, min: 0, max: 255 }),
    iface,
    packetSize: parseNumber("--packet-size", (values["packet-size"] as string) ?? "1400", {
      integer: true,
      min: 1,
      max: 65507,
    }),
    flushMs: parseNumber("--flush-ms", (values["flush-ms"] as string) ?? "1", { min: 0 }),
    ackWindow: parseNumber("--ack-window", (values["ack-window"] as string) ?? "0", {
      integer: true,
      min: 0,
    }),
  };
}
