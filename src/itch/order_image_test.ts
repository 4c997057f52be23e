import assert from "node:assert/strict";
import { EventType } from "../core/events.ts";
import type { FileHeader } from "../format/header.ts";
import { TEST_HEADER } from "../format/test_log.ts";
import { decodeItch } from "./decode.ts";
import { FeedDay } from "./feed_day.ts";
import { ItchBuffer } from "./messages.ts";

/** A two-level book of depth 2 around 100, in chunks as large as the producer's. */
const HEADER: FileHeader = {
  ...TEST_HEADER,
  p0Ticks: 100,
  sessionSeconds: 10,
  levelsPerSide: 2,
  initialDepth: 2,
  chunkCapacity: 4096,
  marketOpenNs: 1000,
};

function messages(out: ItchBuffer): string[] {
  const b = out.data, lines: string[] = [];
  for (let o = 0; o < b.length;) {
    const n = (b[o] << 8) | b[o + 1];
    const m = decodeItch(b.subarray(o + 2, o + 2 + n));
    if (m.type === "A") lines.push(`A ${m.ref} ${m.side} ${m.price / 100}`);
    else if (m.type === "E") lines.push(`E ${m.ref} m${m.match}`);
    else if (m.type === "D") lines.push(`D ${m.ref}`);
    else if (m.type === "S") lines.push(`S ${m.code}`);
    else if (m.type === "R") lines.push(`R ${m.stock}`);
    o += 2 + n;
  }
  out.clear();
  return lines;
}

const rec = (type: number, priceTicks: number) => ({
  tsNs: 2000,
  type,
  side: 0,
  priceTicks,
  qty: 1,
  orderId: 0,
});

Deno.test("order image: opening book, FIFO executions and deletes, dropped and revealed levels", () => {
  const out = new ItchBuffer();
  const day = new FeedDay([{ symbol: "T", header: HEADER }], 100, out);
  day.open();
  // Bids 99, 98 and asks 101, 102, two orders each.
  assert.deepEqual(messages(out), [
    "S O",
    "R T",
    "S S",
    "A 1 B 99",
    "A 2 B 99",
    "A 3 B 98",
    "A 4 B 98",
    "A 5 S 101",
    "A 6 S 101",
    "A 7 S 102",
    "A 8 S 102",
    "S Q",
  ]);
  day.apply(0, rec(EventType.ADD_BID, 99));
  assert.deepEqual(messages(out), ["A 9 B 99"]);
  day.apply(0, rec(EventType.CANCEL_BID, 99));
  assert.deepEqual(messages(out), ["D 9"], "a cancel takes the youngest");
  day.apply(0, rec(EventType.EXECUTE_SELL, 99));
  assert.deepEqual(messages(out), ["E 1 m1"], "an execution takes the oldest");
  // A bid inside the spread: 100 becomes best, 98 leaves the two-slot window.
  day.apply(0, rec(EventType.ADD_BID, 100));
  assert.deepEqual(messages(out), ["A 10 B 100", "D 3", "D 4"]);
  // Emptying the best bid shifts: 99 is best, a fresh level appears at 98.
  day.apply(0, rec(EventType.EXECUTE_SELL, 100));
  assert.deepEqual(messages(out), ["E 10 m2", "A 11 B 98", "A 12 B 98"]);
  // A cancel of a price outside the book changes nothing.
  day.apply(0, rec(EventType.CANCEL_ASK, 110));
  assert.deepEqual(messages(out), []);
  day.close();
  assert.deepEqual(messages(out), ["S M", "S E", "S C"]);
});

Deno.test("order image: with sizes, each order's shares are its own, and an execution fills them", () => {
  const out = new ItchBuffer();
  const sizes = { kind: "geometric", mean: 5 } as const;
  const day = new FeedDay([{ symbol: "T", header: HEADER }], 100, out, sizes);
  day.open();
  const shares = new Map<number, number>();
  const read = () => {
    const b = out.data, got: string[] = [];
    for (let o = 0; o < b.length;) {
      const n = (b[o] << 8) | b[o + 1];
      const m = decodeItch(b.subarray(o + 2, o + 2 + n));
      if (m.type === "A") shares.set(m.ref, m.shares);
      if (m.type === "E") got.push(`E ${m.ref} ${m.shares}`);
      o += 2 + n;
    }
    out.clear();
    return got;
  };
  read();
  assert.equal(shares.size, 8);
  assert.ok(new Set(shares.values()).size > 1, "sizes differ");
  for (const s of shares.values()) assert.equal(s % 100, 0, "whole lots");
  day.apply(0, rec(EventType.EXECUTE_SELL, 99));
  assert.deepEqual(read(), [`E 1 ${shares.get(1)}`]);
  // The same session seed gives the same sizes to the same orders.
  const again = new ItchBuffer();
  const other = new FeedDay([{ symbol: "T", header: HEADER }], 100, again, sizes);
  other.open();
  const first = new Map(shares);
  shares.clear();
  out.clear();
  const b = again.data;
  for (let o = 0; o < b.length;) {
    const n = (b[o] << 8) | b[o + 1];
    const m = decodeItch(b.subarray(o + 2, o + 2 + n));
    if (m.type === "A") shares.set(m.ref, m.shares);
    o += 2 + n;
  }
  assert.deepEqual(shares, first);
});
