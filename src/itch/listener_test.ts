import assert from "node:assert/strict";
import { FeedListener } from "./listener.ts";
import type { ListenerOptions } from "./listener.ts";
import { ItchBuffer, stockField } from "./messages.ts";
import { encodeMoldHeader, END_OF_SESSION, MoldPacketizer } from "./moldudp64.ts";

function packetsOf(build: (out: ItchBuffer) => void, size = 100, session = "Q20260102A") {
  const out = new ItchBuffer();
  build(out);
  const packets: Uint8Array[] = [];
  const mold = new MoldPacketizer(size, (p) => packets.push(p));
  mold.startSession(session);
  mold.add(out.data);
  mold.flush();
  mold.endSession();
  return packets;
}

const STOCK = stockField("X");

/** Packets of 2 Add Orders each (refs 1-2, 3-4, 5-6, 7-8), then the end of session. */
const eight = () =>
  packetsOf((out) => {
    out.time(1);
    for (let i = 1; i <= 8; i++) out.addOrder(1, i, true, 100, STOCK, 100);
  });

function listener(extra: Partial<ListenerOptions> = {}) {
  const events: string[] = [];
  const seen: bigint[] = [];
  const l = new FeedListener({
    book: true,
    recovery: null,
    onMessage: (_, seq) => seen.push(seq),
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { l, events, seen };
}

function empty(session: string, sequence: bigint, count: number): Uint8Array {
  const p = new Uint8Array(20);
  encodeMoldHeader(p, session, sequence, count);
  return p;
}

Deno.test("listener: a late packet fills its gap (not a duplicate); the book is invalid from the gap", () => {
  const packets = eight();
  const { l, events, seen } = listener();
  for (const i of [0, 2, 2, 1, 3, 4]) l.onPacket(packets[i]);
  assert.deepEqual(seen, [1n, 2n, 5n, 6n, 3n, 4n, 7n, 8n]);
  assert.equal(l.stats.gaps, 1);
  assert.equal(l.stats.late, 2);
  assert.equal(l.stats.missing, 0n);
  assert.equal(l.stats.duplicates, 2);
  assert.equal(l.stats.endsOfSession, 1);
  assert.deepEqual(l.stats.byType, { A: 8 });
  assert.ok(events.includes("gap: messages 3-4 of Q20260102A missing"));
  assert.ok(events.includes("book invalid since seq 3 of Q20260102A"));
  assert.deepEqual(l.invalid, [{ session: "Q20260102A", since: 3n }]);
});

Deno.test("listener: a foreign session's packets are reported and ignored: no reset, no gap", () => {
  const packets = packetsOf((out) => {
    out.time(1);
    out.stockDirectory(1, STOCK, 100);
    for (let i = 1; i <= 8; i++) out.addOrder(1, i, true, 100, STOCK, 100);
  });
  const { l, events, seen } = listener();
  l.onPacket(packets[0]);
  l.onPacket(empty("EVIL000001", 99n, 0));
  l.onPacket(packetsOf((out) => out.systemEvent("O"), 100, "EVIL000001")[0]);
  for (const p of packets.slice(1)) l.onPacket(p);
  assert.deepEqual(seen, [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]);
  assert.equal(l.stats.gaps, 0);
  assert.equal(l.stats.foreign, 2);
  assert.equal(l.stats.heartbeats, 0);
  assert.deepEqual(l.book!.top(), [{ stock: "X", bid: [100, 800], ask: null }]);
  assert.ok(events.includes("packet of another session EVIL000001 ignored (following Q20260102A)"));
  assert.equal(events.filter((e) => e.startsWith("session")).length, 1);
});

Deno.test("listener: u64 sequence numbers are kept exactly, up to 2^64-1", () => {
  const { l, seen, events } = listener();
  const top = 2n ** 64n - 1n;
  const msg = packetsOf((out) => out.systemEvent("O"))[0].slice();
  encodeMoldHeader(msg, "Q20260102A", top - 1n, 1);
  l.onPacket(empty("Q20260102A", top - 1n, 0));
  l.onPacket(msg);
  encodeMoldHeader(msg, "Q20260102A", top, 1);
  l.onPacket(msg);
  assert.deepEqual(seen, [top - 1n, top]);
  assert.equal(String(seen[1]), "18446744073709551615");
  assert.ok(events.includes("gap: messages 1-18446744073709551613 of Q20260102A missing"));
});

Deno.test("listener with re-requests: holds what follows a gap, asks for it, hands on in order", () => {
  const packets = eight();
  let clock = 0;
  const asked: [string, bigint, number][] = [];
  const { l, seen } = listener({
    now: () => clock,
    recovery: {
      request: (s, seq, n) => asked.push([s, seq, n]),
      retryMs: 50,
      giveUpMs: 1000,
      maxRequest: 100,
    },
  });
  l.onPacket(packets[0]);
  l.onPacket(packets[2]);
  l.onPacket(packets[3]);
  assert.deepEqual(seen, [1n, 2n]);
  assert.deepEqual(asked, [["Q20260102A", 3n, 2]]);
  clock = 20;
  l.tick();
  assert.equal(asked.length, 1, "no retry before retryMs");
  clock = 60;
  l.tick();
  assert.equal(asked.length, 2, "a retry after retryMs");
  l.onPacket(packets[1], true);
  assert.deepEqual(seen, [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
  assert.equal(l.stats.recovered, 2);
  assert.equal(l.stats.missing, 0n);
  assert.equal(l.stats.duplicates, 0);
  // The end of session lost, a repeat of it arrives: the session ends whole.
  l.onPacket(packets[4]);
  l.onPacket(packets[4]);
  assert.equal(l.stats.endsOfSession, 1);
  assert.equal(l.stats.repeatedEnds, 1);
  assert.deepEqual(l.invalid, []);
});

Deno.test("listener with re-requests: a gap nobody fills is given up after giveUpMs; the tail too", () => {
  const packets = eight();
  let clock = 0;
  const { l, seen, events } = listener({
    now: () => clock,
    recovery: { request: () => {}, retryMs: 50, giveUpMs: 1000, maxRequest: 100 },
  });
  l.onPacket(packets[0]);
  l.onPacket(packets[2]);
  l.onPacket(empty("Q20260102A", 9n, END_OF_SESSION));
  clock = 999;
  l.tick();
  assert.deepEqual(seen, [1n, 2n]);
  clock = 1000;
  l.tick();
  assert.deepEqual(seen, [1n, 2n, 5n, 6n]);
  assert.equal(l.stats.endsOfSession, 0, "the tail 7-8 is still asked for");
  clock = 2000;
  l.tick();
  assert.equal(l.stats.endsOfSession, 1);
  assert.equal(l.stats.missing, 4n);
  assert.ok(events.includes("book invalid since seq 3 of Q20260102A"));
});

Deno.test("listener with re-requests: the next day's packets, ignored while the day before catches up, are asked for", () => {
  const day1 = eight();
  const day2 = packetsOf(
    (out) => {
      out.time(1);
      for (let i = 1; i <= 4; i++) out.addOrder(1, i, false, 100, STOCK, 200);
    },
    100,
    "Q20260105A",
  );
  const asked: [string, bigint, number][] = [];
  const { l, seen } = listener({
    now: () => 0,
    recovery: {
      request: (s, seq, n) => asked.push([s, seq, n]),
      retryMs: 50,
      giveUpMs: 1000,
      maxRequest: 100,
    },
  });
  l.onPacket(day1[0]);
  l.onPacket(day1[2]);
  l.onPacket(day1[3]);
  l.onPacket(day1[4]);
  for (const p of day2) l.onPacket(p);
  assert.equal(l.stats.foreign, 3);
  assert.deepEqual(asked, [["Q20260102A", 3n, 2]]);
  l.onPacket(day1[1], true);
  assert.equal(l.stats.endsOfSession, 1);
  assert.equal(l.session, "Q20260105A");
  assert.deepEqual(asked.at(-1), ["Q20260105A", 1n, 4]);
  for (const p of day2.slice(0, 2)) l.onPacket(p, true);
  assert.equal(l.stats.endsOfSession, 2);
  assert.deepEqual(seen, [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 1n, 2n, 3n, 4n]);
  assert.equal(l.stats.missing, 0n);
});

Deno.test("listener book: unknown references, crossed books, top of book", () => {
  const packets = packetsOf((out) => {
    out.time(1);
    out.stockDirectory(1, STOCK, 100);
    out.addOrder(1, 1, true, 100, STOCK, 990_000);
    out.addOrder(1, 2, false, 100, STOCK, 1_010_000);
    out.addOrder(1, 3, false, 100, STOCK, 1_010_000);
    out.time(2);
    out.orderExecuted(1, 2, 100, 1);
    out.orderDelete(1, 99);
    out.time(3);
    out.addOrder(1, 4, true, 100, STOCK, 1_020_000);
  }, 1400);
  const { l } = listener();
  for (const p of packets) l.onPacket(p);
  const book = l.book!;
  assert.equal(book.unknownRefs, 1);
  assert.equal(book.crossed, 1);
  assert.deepEqual(book.top(), [{ stock: "X", bid: [1_020_000, 100], ask: [1_010_000, 100] }]);
});
