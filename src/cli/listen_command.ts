import { Buffer } from "node:buffer";
import { messageText, priceText } from "../itch/decode.ts";
import type { ItchMessage } from "../itch/decode.ts";
import { FeedListener } from "../itch/listener.ts";
import type { ListenStats } from "../itch/listener.ts";
import { encodeMoldHeader, MOLD_HEADER_SIZE } from "../itch/moldudp64.ts";
import { isIpv4, parseEndpoint } from "../itch/udp_address.ts";
import { openUdpSocket } from "../itch/udp_output.ts";
import { UsageError } from "../core/errors.ts";
import { thousands } from "./format.ts";
import { flags, parseCommand } from "./flags.ts";
import { onStopSignals } from "./signals.ts";

const LISTEN_COMMAND = {
  name: "listen",
  summary: "receive a MoldUDP64 + ITCH 5.0 feed and check it",
  usage: "qrsdp listen (--udp PORT | --multicast GROUP:PORT) [flags]",
  flags: flags({
    udp: {
      type: "number",
      integer: true,
      min: 1,
      max: 65535,
      help: "receive unicast packets on this UDP port",
    },
    multicast: {
      type: "string",
      check: {
        test: (t: string) => typeof parseEndpoint(t, true) !== "string",
        what: "GROUP:PORT with an IPv4 multicast group (224-239.x.x.x)",
      },
      help: "join multicast GROUP:PORT",
    },
    interface: {
      type: "string",
      check: { test: isIpv4, what: "an IPv4 address" },
      help: "with --multicast: local address of the interface to join on",
    },
    json: { type: "boolean", help: "messages as JSON lines (default: text)" },
    quiet: { type: "boolean", help: "no line per message, only the summary" },
    book: {
      type: "boolean",
      help: "rebuild the book: unknown references, negative and crossed books, top of book",
    },
    ack: {
      type: "boolean",
      help: "acknowledge packets to the sender (flow control of 'qrsdp itch --ack-window')",
    },
    sessions: {
      type: "number",
      default: 0,
      integer: true,
      min: 0,
      help: "exit after this many ends of session (0: never)",
    },
  }),
  notes:
    `Prints each message as it arrives (text or JSON lines on stdout, flushed per packet); gaps,
duplicates and sessions are reported on stderr. SIGINT/SIGTERM (or --sessions) prints a summary
on stderr (packets, messages, gaps, duplicates, counts per message type; with --book the book's
problems and the top of book per symbol) and exits 0. The socket asks for a 16 MiB receive
buffer, which Deno 2.9.6 ignores (it keeps net.core.rmem_default): use --ack with a sender's
--ack-window, or raise that sysctl, to lose nothing in bursts.`,
};

const encoder = new TextEncoder();

function writeOut(text: string): void {
  const bytes = encoder.encode(text);
  let at = 0;
  while (at < bytes.length) at += Deno.stdout.writeSync(bytes.subarray(at));
}

function jsonLine(m: ItchMessage, seq: number): string {
  const { type, ...rest } = m;
  const fields: Record<string, unknown> = { seq, type, ...rest };
  if (m.type === "A") fields.price = Number(priceText(m.price));
  return JSON.stringify(fields);
}

function summary(stats: ListenStats, listener: FeedListener): string {
  const types = Object.entries(stats.byType).sort().map(([t, n]) => `${t} ${thousands(n)}`);
  const lines = [
    `packets: ${thousands(stats.packets)} (${thousands(stats.heartbeats)} heartbeats, ${
      thousands(stats.endsOfSession)
    } ends of session)`,
    `messages: ${thousands(stats.messages)} (${types.join(", ") || "none"})`,
    `gaps: ${thousands(stats.gaps)} (${thousands(stats.missing)} messages missing)`,
    `duplicates: ${thousands(stats.duplicates)}`,
    `malformed: ${thousands(stats.malformed)}`,
  ];
  const book = listener.book;
  if (book) {
    lines.push(
      `book: ${thousands(book.unknownRefs)} unknown references, ${
        thousands(book.duplicateRefs)
      } duplicate references, ${thousands(book.negative)} negative, ${
        thousands(book.crossed)
      } crossed`,
    );
    for (const t of book.top()) lines.push(`top of book ${topText(t)}`);
  }
  return lines.join("\n");
}

function topText(t: { stock: string; bid: [number, number] | null; ask: [number, number] | null }) {
  const side = (x: [number, number] | null) => x ? `${x[1]} @ ${priceText(x[0])}` : "none";
  return `${t.stock}: bid ${side(t.bid)}, ask ${side(t.ask)}`;
}

export async function listenCommand(args: string[]): Promise<number> {
  const parsed = await parseCommand(LISTEN_COMMAND, args);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.udp && values.multicast) throw new UsageError("give --udp or --multicast, not both");
  let port: number, group: string | null = null;
  if (values.udp !== undefined) {
    port = values.udp;
  } else if (values.multicast) {
    const e = parseEndpoint(values.multicast, true);
    if (typeof e === "string") throw new UsageError(`--multicast: ${e}`);
    port = e.port;
    group = e.host;
  } else {
    throw new UsageError("give --udp PORT or --multicast GROUP:PORT");
  }
  const iface = values.interface;
  const sessions = values.sessions;
  const flag = group ? "--multicast" : "--udp";
  let socket;
  try {
    // Several listeners of one multicast group may share its port; a unicast port is ours alone.
    socket = await openUdpSocket(port, "0.0.0.0", 16 << 20, group !== null);
    if (group) socket.addMembership(group, iface);
  } catch (e) {
    const err = e as Error & { code?: string };
    const why = err.code === "EADDRINUSE" ? `port ${port} is in use` : err.message;
    throw new UsageError(`${flag}: ${why}`);
  }
  console.error(`qrsdp listen: listening on ${group ? `${group}:` : "port "}${port}`);
  const json = values.json, quiet = values.quiet;
  let pending = "";
  const listener = new FeedListener(values.book, (m, seq) => {
    if (quiet) return;
    pending += (json ? jsonLine(m, seq) : messageText(m, listener.book?.stocks ?? new Map())) +
      "\n";
  }, (event) => {
    console.error(`qrsdp listen: ${event}`);
    if (event.startsWith("end of session") && listener.book) {
      for (const t of listener.book.top()) console.error(`qrsdp listen: top of book ${topText(t)}`);
    }
  });
  const ack = new Uint8Array(MOLD_HEADER_SIZE);
  let done!: () => void;
  const finished = new Promise<void>((resolve) => done = resolve);
  socket.on("message", (msg: Buffer, from: { address: string; port: number }) => {
    listener.onPacket(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
    if (pending) {
      writeOut(pending);
      pending = "";
    }
    if (values.ack && listener.session) {
      encodeMoldHeader(ack, listener.session, listener.expected, 0);
      socket.send(ack, from.port, from.address);
    }
    if (sessions > 0 && listener.stats.endsOfSession >= sessions) done();
  });
  const removeSignals = onStopSignals(done);
  await finished;
  removeSignals();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  console.error(summary(listener.stats, listener));
  return 0;
}
