import assert from "node:assert/strict";
import { ItchBuffer, itchPriceProblem, itchSymbolProblem, stockField } from "./messages.ts";

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

Deno.test("messages: each layout, big-endian, framed by its u16 length", () => {
  const out = new ItchBuffer(16);
  const ts = 34_200_000_000_123; // 09:30:00.000000123
  const stock = stockField("AB.C");
  out.time(ts);
  out.systemEvent("O");
  out.stockDirectory(1, stock, 100);
  out.addOrder(2, 2 ** 40 + 5, true, 100, stock, 1_000_100);
  out.orderExecuted(2, 7, 100, 2 ** 33 + 1);
  out.orderDelete(2, 9);
  const tsHex = "1f1aced9f07b"; // 34200000000123 as u48
  assert.equal(ts.toString(16).padStart(12, "0"), tsHex);
  const expected = [
    "000c" + "53" + "0000" + "0000" + tsHex + "4f",
    "0027" + "52" + "0001" + "0000" + tsHex + hex(stock) + "51" + "4e" + "00000064" + "4e" +
    "43" + "5a20" + "50" + "4e" + "4e" + "31" + "4e" + "00000000" + "4e",
    "0024" + "41" + "0002" + "0000" + tsHex + "0000010000000005" + "42" + "00000064" +
    hex(stock) + "000f42a4",
    "001f" + "45" + "0002" + "0000" + tsHex + "0000000000000007" + "00000064" +
    "0000000200000001",
    "0013" + "44" + "0002" + "0000" + tsHex + "0000000000000009",
  ].join("");
  assert.equal(hex(out.data), expected);
  assert.equal(out.messages, 5);
  assert.equal(hex(stock), "41422e4320202020");
});

Deno.test("messages: symbols and prices that ITCH cannot carry are named", () => {
  for (const ok of ["A", "ABCDEFGH", "BRK.B", "X 1"]) assert.equal(itchSymbolProblem(ok), null);
  for (const bad of ["", "ABCDEFGHI", "aapl", "A-B", "É"]) {
    assert.match(itchSymbolProblem(bad)!, /does not fit ITCH/);
    assert.throws(() => stockField(bad), RangeError);
  }
  assert.equal(itchPriceProblem(42_949_672, 100), null);
  assert.match(itchPriceProblem(42_949_673, 100)!, /does not fit an ITCH price \(u32\)/);
  assert.match(itchPriceProblem(-1, 100)!, /does not fit/);
});

Deno.test("messages: the bytes handed on survive the next clear, until the clear after it", () => {
  const out = new ItchBuffer(256);
  out.time(1);
  out.orderDelete(1, 1);
  const first = out.data;
  const kept = first.slice();
  out.clear();
  for (let ref = 2; ref < 10; ref++) out.orderDelete(1, ref);
  assert.deepEqual(first, kept, "the first batch is untouched while the second is made");
  assert.equal(out.messages, 8);
  assert.equal(out.data.length, 8 * 21);
  assert.equal(out.data[out.data.length - 1], 9);
  out.clear();
  out.orderDelete(1, 10);
  assert.equal(out.data[20], 10);
  assert.equal(first[20], 10, "the clear after next writes over the first batch's buffer");
});

Deno.test("messages: a run of Add Orders is each Add Order in turn, references counting up", () => {
  const stock = stockField("R");
  const run = new ItchBuffer(16), one = new ItchBuffer(16);
  run.time(5);
  one.time(5);
  run.addOrders(3, 2 ** 32 - 2, 4, false, 100, stock, 990_000);
  for (let n = 0; n < 4; n++) one.addOrder(3, 2 ** 32 - 2 + n, false, 100, stock, 990_000);
  assert.equal(run.messages, 4);
  assert.deepEqual(run.data, one.data);
  assert.equal(hex(run.data.subarray(38 * 3 + 13, 38 * 3 + 21)), "0000000100000001");
});
