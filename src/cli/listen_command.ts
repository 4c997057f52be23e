import type { Buffer } from "node:buffer";
import type dgram from "node:dgram";
import { messageText, priceText } from "../itch/decode.ts";
import type { ItchMessage } from "../itch/decode.ts";
import { FeedListener } from "../itch/listener.ts";
import type { ListenBook } from "../itch/listen_book.ts";
import { printable } from "../core/redact.ts";
import { encodeMoldHeader, MOLD_HEADER_SIZE } from "../itch/moldudp64.ts";
import { isIpv4, parseEndpoint } from "../itch/udp_address.ts";
import { openUdpSocket } from "../itch/udp_output.ts";
import { PcapWriter } from "../itch/pcap.ts";
import { pcapPath } from "./itch_flags.ts";
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
    quiet: {
      type: "boolean",
      help: "no line per message or event: the first line and the summary",
    },
    book: {
      type: "boolean",
      help: "rebuild the book: unknown references, negative and crossed books, top of book",
    },
    ack: {
      type: "boolean",
      help: "acknowledge packets to the sender (flow control of 'qrsdp itch --ack-window')",
    },
    retransmit: {
      type: "string",
      check: {
        test: (t: string) => typeof parseEndpoint(t, false) !== "string",
        what: "HOST:PORT",
      },
      help: "re-request every gap from the sender's re-request server at HOST:PORT",
    },
    "retransmit-timeout": {
      type: "number",
      default: 10,
      minExclusive: true,
      min: 0,
      help: "with --retransmit: give a gap up after this many seconds without an answer",
    },
    pcap: {
      type: "string",
      help: "also write the packets received (re-request answers too) to this pcap file",
    },
    "book-levels": {
      type: "number",
      default: 1,
      integer: true,
      min: 1,
      help: "with --book: levels per side shown at each end of session",
    },
    sessions: {
      type: "number",
      default: 0,
      integer: true,
      min: 0,
      help: "exit after this many sessions have ended (0: never)",
    },
  }),
  notes:
    `Prints each message as it arrives (text or JSON lines on stdout, flushed per packet, control
bytes from the wire escaped); gaps, duplicates, late packets and sessions are reported on stderr
(--quiet: neither, only the first line and the summary). It follows one session at a time: a packet
of another session is reported and ignored, until the followed one ends (or is silent for 3 s).
A packet that fills a gap late is taken; the book is marked invalid from the first message given
up until the next session. With --retransmit every gap is re-requested (requests of at most
1,000 messages, two at most in flight, asked again after 100 ms without an answer, then 200, 400,
... up to 1,000 ms; a gap given up after --retransmit-timeout), and what follows a gap is held until
it is filled, so the book stays whole; the next session's packets, ignored while it caught up, are
re-requested once the session in hand ends.
SIGINT/SIGTERM, --sessions, or a closed stdout prints a summary on stderr (packets, messages, gaps,
missing, recovered by re-request, late, duplicates, foreign packets, counts per message type; with
--book the book's problems and the best levels per symbol) and exits 0. The socket asks for a 16 MiB
receive buffer, which Deno 2.9.6 ignores (it keeps net.core.rmem_default): use --retransmit, or --ack
with a sender's --ack-window, or raise that sysctl, to lose nothing in bursts.`,
};

const encoder = new TextEncoder();

/** Writes all of `text` to stdout; false when stdout is closed (EPIPE). */
function writeOut(text: string): boolean {
  const bytes = encoder.encode(text);
  let at = 0;
  try {
    while (at < bytes.length) at += Deno.stdout.writeSync(bytes.subarray(at));
  } catch (e) {
    if (e instanceof Deno.errors.BrokenPipe) return false;
    throw e;
  }
  return true;
}

/** A JSON line with the controls JSON.stringify leaves (DEL, CSI) escaped too. */
function jsonLine(m: ItchMessage, seq: bigint): string {
  const { type, ...rest } = m;
  const fields: Record<string, unknown> = { type, ...rest };
  if (m.type === "A") fields.price = Number(priceText(m.price));
  return `{"seq":${seq},${JSON.stringify(fields).slice(1)}`.replace(
    /[\x7f\x9b]/g,
    (c) => `\\u00${c.charCodeAt(0).toString(16)}`,
  );
}

function summary(listener: FeedListener, levels: number): string {
  const stats = listener.stats;
  const types = Object.entries(stats.byType).sort().map(([t, n]) => `${t} ${thousands(n)}`);
  const lines = [
    `packets: ${thousands(stats.packets)} (${thousands(stats.heartbeats)} heartbeats, ${
      thousands(stats.endsOfSession)
    } ends of session, ${thousands(stats.repeatedEnds)} repeated)`,
    `messages: ${thousands(stats.messages)} (${types.join(", ") || "none"})`,
    `gaps: ${thousands(stats.gaps)} (${thousands(stats.missing)} messages missing)`,
    `recovered by re-request: ${thousands(stats.recovered)} messages (${
      thousands(stats.requests)
    } requests)`,
    `late: ${thousands(stats.late)}`,
    `duplicates: ${thousands(stats.duplicates)}`,
    `foreign: ${thousands(stats.foreign)}`,
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
    for (const i of listener.invalid) {
      lines.push(`book invalid since seq ${i.since} of ${i.session}`);
    }
    lines.push(...bookLines(book, levels));
  }
  return printable(lines.join("\n"));
}

function bookLines(book: ListenBook, levels: number): string[] {
  const side = (x: [number, number][]) =>
    x.length ? x.map(([p, n]) => `${n} @ ${priceText(p)}`).join(", ") : "none";
  return book.depth(levels).map((t) =>
    `${levels === 1 ? "top of book" : "book"} ${t.stock}: bid ${side(t.bid)}, ask ${side(t.ask)}`
  );
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
  const server = values.retransmit === undefined ? null : parseEndpoint(values.retransmit, false);
  if (typeof server === "string") throw new UsageError(`--retransmit: ${server}`);
  const iface = values.interface;
  const sessions = values.sessions;
  const flag = group ? "--multicast" : "--udp";
  let socket: dgram.Socket, requests: dgram.Socket | null = null;
  try {
    // Several listeners of one multicast group may share its port; a unicast port is ours alone.
    socket = await openUdpSocket(port, "0.0.0.0", 16 << 20, group !== null);
    if (group) socket.addMembership(group, iface);
  } catch (e) {
    const err = e as Error & { code?: string };
    const why = err.code === "EADDRINUSE" ? `port ${port} is in use` : err.message;
    throw new UsageError(`${flag}: ${why}`);
  }
  if (server) requests = await openUdpSocket(0, "0.0.0.0", 16 << 20);
  let pcap: PcapWriter | null = null;
  const pcapFile = pcapPath(values.pcap);
  if (pcapFile) {
    try {
      pcap = PcapWriter.open(pcapFile);
    } catch (e) {
      socket.close();
      requests?.close();
      throw e;
    }
  }
  const here = { host: group ?? "0.0.0.0", port };
  const capture = (msg: Buffer, from: { address: string; port: number }, to = here) =>
    pcap?.write(msg, { host: from.address, port: from.port }, to, Date.now());
  console.error(`qrsdp listen: listening on ${group ? `${group}:` : "port "}${port}`);
  const { json, quiet } = values;
  const levels = values["book-levels"];
  let pending = "";
  let done!: () => void;
  const finished = new Promise<void>((resolve) => done = resolve);
  const say = (text: string) => {
    if (!quiet) console.error(printable(`qrsdp listen: ${text}`));
  };
  const listener: FeedListener = new FeedListener({
    book: values.book,
    recovery: requests && server
      ? {
        request: (session, sequence, count) => {
          const packet = new Uint8Array(MOLD_HEADER_SIZE);
          encodeMoldHeader(packet, session, sequence, count);
          requests!.send(packet, server.port, server.host);
        },
        retryMs: 100,
        giveUpMs: values["retransmit-timeout"] * 1000,
        maxRequest: 1000,
      }
      : null,
    onMessage: (m, seq) => {
      if (quiet) return;
      pending +=
        (json ? jsonLine(m, seq) : printable(messageText(m, listener.book?.stocks ?? new Map()))) +
        "\n";
    },
    onEvent: (event) => {
      say(event);
      if (event.startsWith("end of session") && listener.book) {
        for (const line of bookLines(listener.book, levels)) say(line);
      }
    },
  });
  const after = () => {
    if (pending) {
      if (!writeOut(pending)) done();
      pending = "";
    }
    if (sessions > 0 && listener.stats.endsOfSession >= sessions) done();
  };
  socket.on("message", (msg: Buffer, from: { address: string; port: number }) => {
    capture(msg, from);
    listener.onPacket(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
    if (values.ack && listener.session) {
      const ack = new Uint8Array(MOLD_HEADER_SIZE);
      encodeMoldHeader(ack, listener.session, listener.highest, 0);
      socket.send(ack, from.port, from.address);
    }
    after();
  });
  requests?.on("message", (msg: Buffer, from: { address: string; port: number }) => {
    capture(msg, from, { host: "0.0.0.0", port: requests!.address().port });
    listener.onPacket(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), true);
    after();
  });
  // Retries and give-ups come due while nothing arrives.
  const ticker = setInterval(() => {
    listener.tick();
    after();
  }, 20);
  const removeSignals = onStopSignals(done);
  await finished;
  clearInterval(ticker);
  removeSignals();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  if (requests) await new Promise<void>((resolve) => requests!.close(() => resolve()));
  pcap?.close();
  console.error(summary(listener, levels));
  return 0;
}
