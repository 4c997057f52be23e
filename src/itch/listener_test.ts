import assert from "node:assert/strict";
import { FeedListener } from "./listener.ts";
import { ItchBuffer, stockField } from "./messages.ts";
import { MoldPacketizer } from "./moldudp64.ts";

function packetsOf(build: (out: ItchBuffer) => void, size = 100): Uint8Array[] {
  const out = new ItchBuffer();
  build(out);
  const packets: Uint8Array[] = [];
  const mold = new MoldPacketizer(size, (p) => packets.push(p));
  mold.startSession("Q20260102A");
  mold.add(out.data);
  mold.flush();
  mold.endSession();
  return packets;
}

const STOCK = stockField("X");

Deno.test("listener: gaps, duplicates and the end of session are counted", () => {
  const packets = packetsOf((out) => {
    out.time(1);
    for (let i = 1; i <= 8; i++) out.addOrder(1, i, true, 100, STOCK, 100);
  });
  // Two A per 100-byte packet: packets carry messages 1-2, 3-4, 5-6, 7-8, then the end.
  const events: string[] = [];
  const seen: number[] = [];
  const l = new FeedListener(true, (_, seq) => seen.push(seq), (e) => events.push(e));
  for (const i of [0, 2, 2, 1, 3, 4]) l.onPacket(packets[i]);
  assert.deepEqual(seen, [1, 2, 5, 6, 7, 8]);
  assert.equal(l.stats.gaps, 1);
  assert.equal(l.stats.missing, 2);
  assert.equal(l.stats.duplicates, 4);
  assert.equal(l.stats.endsOfSession, 1);
  assert.deepEqual(l.stats.byType, { A: 6 });
  assert.ok(events.includes("gap: messages 3-4 of Q20260102A missing"));
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
  const l = new FeedListener(true, () => {});
  for (const p of packets) l.onPacket(p);
  const book = l.book!;
  assert.equal(book.unknownRefs, 1);
  assert.equal(book.crossed, 1);
  assert.deepEqual(book.top(), [{ stock: "X", bid: [1_020_000, 100], ask: [1_010_000, 100] }]);
});
