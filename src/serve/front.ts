/**
 * The server's public side. Deno's HTTP server never times a connection out, so the port is a
 * listener of ours: each connection is relayed to the HTTP server on a Unix socket in a private
 * directory, closed once no byte has gone either way for `idleMs` (a half-sent request, a client
 * gone quiet), and refused beyond `maxConnections`.
 */
export interface FrontOptions {
  hostname: string;
  port: number;
  /** The HTTP server's Unix socket. */
  backend: string;
  idleMs: number;
  maxConnections: number;
}

export interface Front {
  hostname: string;
  port: number;
  /** Connections open now. */
  readonly open: number;
  close(): void;
}

interface Relay {
  last: number;
  close(): void;
}

/** Listens at once (an address in use throws here), then relays in the background. */
export function openFront(opts: FrontOptions): Front {
  const listener = Deno.listen({ hostname: opts.hostname, port: opts.port, transport: "tcp" });
  const relays = new Set<Relay>();
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const r of relays) if (now - r.last > opts.idleMs) r.close();
  }, Math.max(50, Math.min(1000, opts.idleMs / 4)));

  const relay = async (client: Deno.Conn) => {
    if (relays.size >= opts.maxConnections) {
      client.close();
      return;
    }
    let back: Deno.Conn;
    try {
      back = await Deno.connect({ transport: "unix", path: opts.backend });
    } catch {
      client.close();
      return;
    }
    let closed = false;
    const r: Relay = {
      last: performance.now(),
      close() {
        if (closed) return;
        closed = true;
        relays.delete(r);
        for (const c of [client, back]) {
          try {
            c.close();
          } catch { /* closed already */ }
        }
      },
    };
    relays.add(r);
    const pump = async (from: Deno.Conn, to: Deno.Conn) => {
      const buf = new Uint8Array(64 * 1024);
      try {
        for (;;) {
          const n = await from.read(buf);
          if (n === null) break;
          r.last = performance.now();
          for (let at = 0; at < n;) at += await to.write(buf.subarray(at, n));
        }
        await to.closeWrite();
      } catch {
        // The other side went away, or the relay was closed.
      }
    };
    await Promise.all([pump(client, back), pump(back, client)]);
    r.close();
  };

  (async () => {
    try {
      for await (const conn of listener) relay(conn);
    } catch {
      // The listener was closed.
    }
  })();

  const addr = listener.addr as Deno.NetAddr;
  return {
    hostname: addr.hostname,
    port: addr.port,
    get open() {
      return relays.size;
    },
    close() {
      clearInterval(sweep);
      try {
        listener.close();
      } catch { /* closed already */ }
      for (const r of relays) r.close();
    },
  };
}
