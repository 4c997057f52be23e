import assert from "node:assert/strict";
import { Book } from "../book/book.ts";
import { EventType, Side } from "../core/events.ts";
import { QrsdpReader } from "../format/reader.ts";
import type { EventRecord } from "../core/events.ts";
import { exportRun } from "./export.ts";
import { lobsterBookLine, lobsterMessage, lobsterTime } from "./lobster.ts";

const FIXTURES = new URL("../../tests/fixtures", import.meta.url).pathname;

function event(type: number, price: number, qty = 1): EventRecord {
  const side = type === EventType.EXECUTE_BUY ? Side.ASK : type % 2 === 0 ? Side.BID : Side.ASK;
  return { tsNs: 0, type, side, priceTicks: price, qty, orderId: 1 };
}

Deno.test("lobster: time is seconds after midnight with nine decimals", () => {
  assert.equal(lobsterTime(34_200_000_000_000), "34200.000000000");
  assert.equal(lobsterTime(34_200_003_510_394), "34200.003510394");
  assert.equal(lobsterTime(57_599_999_999_999), "57599.999999999");
});

Deno.test("lobster: messages and book lines of a hand-worked session (K=2, depth 3)", () => {
  // Bids 99:3 98:3, asks 101:3 102:3; prices in the files are ticks x tick size 100.
  const book = new Book(2, 3);
  book.seed(100, 2);
  const steps: [EventRecord, number, number, string][] = [
    // A bid inside the spread is a new best level; the deepest bid level drops out.
    [event(EventType.ADD_BID, 100), 1, 1, "10100,3,10000,1,10200,3,9900,3"],
    // Cancelling the whole best bid: a deletion; the side shifts, 98 comes back at depth 3.
    [event(EventType.CANCEL_BID, 100), 3, 1, "10100,3,9900,3,10200,3,9800,3"],
    // Part of the second ask level: a cancellation.
    [event(EventType.CANCEL_ASK, 102), 2, -1, "10100,3,9900,3,10200,2,9800,3"],
    // A buy market order executes the resting sell order at the best ask: direction -1.
    [event(EventType.EXECUTE_BUY, 101), 4, -1, "10100,2,9900,3,10200,2,9800,3"],
    [event(EventType.EXECUTE_SELL, 99), 4, 1, "10100,2,9900,2,10200,2,9800,3"],
    // The rest of the second ask level: a deletion, and an empty level shows LOBSTER's dummy.
    [event(EventType.CANCEL_ASK, 102, 2), 3, -1, "10100,2,9900,2,9999999999,0,9800,3"],
    [event(EventType.ADD_ASK, 102), 1, -1, "10100,2,9900,2,10200,1,9800,3"],
  ];
  for (const [rec, type, direction, line] of steps) {
    assert.deepEqual(lobsterMessage(rec, book), { type, direction });
    book.apply(rec.type, rec.priceTicks, rec.qty);
    assert.equal(lobsterBookLine(book, 100, 1), line);
  }
  // Sizes are in shares: depth x lot; prices and dummies are unchanged.
  assert.equal(lobsterBookLine(book, 100, 100), "10100,200,9900,200,10200,100,9800,300");
});

/** Reads a LOBSTER pair and checks it against the records and a book replayed from them. */
function checkAgainstReplay(source: string, files: string[], lot: number) {
  const reader = QrsdpReader.open(source);
  const h = reader.header;
  const messages = Deno.readTextFileSync(files[0]).trimEnd().split("\n");
  const books = Deno.readTextFileSync(files[1]).trimEnd().split("\n");
  assert.equal(messages.length, reader.recordCount);
  assert.equal(books.length, reader.recordCount);
  const book = new Book(h.levelsPerSide, h.initialDepth);
  book.seed(h.p0Ticks, h.initialSpreadTicks);
  let i = 0;
  let previous = lobsterBookLine(book, h.tickSize, lot).split(",").map(Number);
  const seen = new Set<number>();
  reader.forEach((r) => {
    const fields = messages[i].split(",");
    const [, type, id, size, price, direction] = fields.map(Number);
    const [seconds, decimals] = fields[0].split(".");
    assert.equal(decimals.length, 9);
    assert.equal(Number(seconds) * 1e9 + Number(decimals), r.tsNs);
    assert.equal(id, r.orderId);
    assert.equal(size, r.qty * lot);
    assert.equal(price, r.priceTicks * h.tickSize);
    seen.add(type);
    const bid = r.type === EventType.ADD_BID || r.type === EventType.CANCEL_BID ||
      r.type === EventType.EXECUTE_SELL;
    assert.equal(direction, bid ? 1 : -1);
    if (type === 4) {
      // An execution takes the best price of the side it hits, as the previous book line shows.
      assert.equal(price, direction === -1 ? previous[0] : previous[2]);
    }
    book.apply(r.type, r.priceTicks, r.qty);
    const row = books[i].split(",").map(Number);
    assert.equal(row.length, 4 * book.levels);
    assert.equal(row[0], book.askPrice[0] * h.tickSize);
    assert.equal(row[2], book.bidPrice[0] * h.tickSize);
    assert.equal(row[1], book.askDepth[0] * lot);
    assert.equal(books[i], lobsterBookLine(book, h.tickSize, lot));
    previous = row;
    i++;
  });
  assert.deepEqual([...seen].sort(), [1, 2, 3, 4]);
}

Deno.test("lobster: the files of every golden session agree with the replayed book", () => {
  const out = Deno.makeTempDirSync({ prefix: "qrsdp_export_lobster_" });
  for (const [run, lot] of [["g2_seed7_multi", 100], ["g3_seed11_hlr", 7]] as const) {
    const layout = lot === 100 ? {} : { lotSize: lot };
    for (const { session, files } of exportRun(`${FIXTURES}/${run}`, "lobster", out, { layout })) {
      const h = QrsdpReader.open(session.path).header;
      const start = h.marketOpenNs / 1e6, end = start + h.sessionSeconds * 1000;
      const stem = `${out}/${session.symbol}_${session.date}_${start}_${end}`;
      assert.deepEqual(files, [
        `${stem}_message_${h.levelsPerSide}.csv`,
        `${stem}_orderbook_${h.levelsPerSide}.csv`,
      ]);
      checkAgainstReplay(session.path, files, lot);
    }
  }
  Deno.removeSync(out, { recursive: true });
});
