/** Where a feed is sent or received: a unicast host or a multicast group, and a port. */
export interface UdpEndpoint {
  host: string;
  port: number;
  multicast: boolean;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isMulticastV4(host: string): boolean {
  const m = IPV4.exec(host);
  return m !== null && Number(m[1]) >= 224 && Number(m[1]) <= 239;
}

export function isIpv4(host: string): boolean {
  const m = IPV4.exec(host);
  return m !== null && m.slice(1).every((x) => Number(x) <= 255);
}

/** Why `text` is not a usable port, or null. */
function portProblem(text: string): string | null {
  const port = Number(text);
  return /^\d+$/.test(text) && port >= 1 && port <= 65535
    ? null
    : `'${text}' is not a port (1-65535)`;
}

/**
 * Parses `HOST:PORT` (unicast) or `GROUP:PORT` (multicast, an IPv4 address in 224-239.x.x.x);
 * returns an endpoint or the reason it is not one.
 */
export function parseEndpoint(text: string, multicast: boolean): UdpEndpoint | string {
  const colon = text.lastIndexOf(":");
  if (colon <= 0) return `'${text}' is not ${multicast ? "GROUP" : "HOST"}:PORT`;
  const host = text.slice(0, colon), port = text.slice(colon + 1);
  const bad = portProblem(port);
  if (bad) return bad;
  if (multicast && !(isIpv4(host) && isMulticastV4(host))) {
    return `'${host}' is not an IPv4 multicast group (224.0.0.0-239.255.255.255)`;
  }
  if (!multicast && !/^[A-Za-z0-9.-]+$/.test(host)) {
    return `'${host}' is not a host name or IPv4 address`;
  }
  // Digits and dots only is an address, never a name to look up: 256.1.1.1 is refused here.
  if (!multicast && /^[\d.]+$/.test(host) && !isIpv4(host)) {
    return `'${host}' is not an IPv4 address (four numbers 0-255)`;
  }
  return { host, port: Number(port), multicast };
}
