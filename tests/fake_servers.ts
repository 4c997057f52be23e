/**
 * Tiny stand-ins on 127.0.0.1 for servers that misbehave: a ClickHouse that answers every request
 * with an error quoting all it was sent (credentials, query, body), or with a reply of the
 * test's choosing; and a "Kafka broker" that echoes every byte back with the secret appended.
 */

export interface FakeServer {
  port: number;
  /** Everything the server received, as text. */
  received(): string;
  stop(): Promise<void>;
}

/** A reply to send instead of the default error: raw bytes written to the socket as they are. */
export type RawReply = (request: string) => string;

/**
 * A ClickHouse HTTP interface that fails every request with status 500, the way the real one
 * reports an error, quoting back the request line, its headers (Basic credentials included) and
 * its body; or, given `reply`, writes that raw HTTP response and closes the connection.
 */
export function fakeClickHouse(reply?: RawReply): FakeServer {
  return tcpServer((request) => {
    if (reply) return reply(request);
    const body = `Code: 516. DB::Exception: Authentication failed for what you sent: ${
      request.replace(/\r\n/g, " | ")
    }. (AUTHENTICATION_FAILED) (version 26.3.1.1)\n`;
    const bytes = new TextEncoder().encode(body).length;
    return `HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n` +
      `X-ClickHouse-Exception-Code: 516\r\nContent-Length: ${bytes}\r\nConnection: close\r\n\r\n${body}`;
  }, true);
}

/** A TCP server that sends back whatever it receives, followed by `secret`. */
export function fakeKafka(secret: string): FakeServer {
  return tcpServer((request) => `${request} SASL authentication failed for ${secret}`, false);
}

function tcpServer(answer: (request: string) => string, http: boolean): FakeServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let log = "";
  const conns = new Set<Deno.Conn>();
  const serve = async (conn: Deno.Conn) => {
    conns.add(conn);
    const buf = new Uint8Array(65536);
    let request = "";
    try {
      while (true) {
        const n = await conn.read(buf);
        if (n === null) break;
        const text = new TextDecoder().decode(buf.subarray(0, n));
        request += text;
        log += text;
        if (http && !httpComplete(request)) continue;
        await conn.write(new TextEncoder().encode(answer(request)));
        request = "";
        if (http) break;
      }
    } catch {
      // The client hung up.
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch { /* closed */ }
    }
  };
  const accepting = (async () => {
    try {
      for await (const conn of listener) void serve(conn);
    } catch { /* closed */ }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    received: () => log,
    async stop() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      await accepting;
    },
  };
}

/** Whether `request` holds a whole HTTP request (headers, and the body its length announces). */
function httpComplete(request: string): boolean {
  const end = request.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const length = /^content-length:\s*(\d+)/im.exec(request.slice(0, end))?.[1];
  const chunked = /^transfer-encoding:\s*chunked/im.test(request.slice(0, end));
  if (chunked) return request.endsWith("0\r\n\r\n");
  return request.length - end - 4 >= Number(length ?? 0);
}
