import assert from "node:assert/strict";
import { EventType } from "../core/events.ts";
import type { FileHeader } from "../format/header.ts";
import { TEST_HEADER } from "../format/test_log.ts";
import { QrsdpReader } from "../format/reader.ts";
import { rebuildLobster } from "../../tests/lobster_reader.ts";
import { exportRun } from "./export.ts";
import { lobsterBookLine, lobsterMessageLine, lobsterTime } from "./lobster.ts";
import { OrderFlow } from "./order_flow.ts";

const FIXTURES = new URL("../../tests/fixtures", import.meta.url).pathname;

Deno.test("lobster: time is seconds after midnight with nine decimals", () => {
  assert.equal(lobsterTime(34_200_000_000_000), "34200.000000000");
  assert.equal(lobsterTime(34_200_003_510_394), "34200.003510394");
  assert.equal(lobsterTime(57_599_999_999_999), "57599.999999999");
});

/** Bids 99 98 and asks 101 102, two orders each; prices in the files are ticks x 100. */
const HEADER: FileHeader = {
  ...TEST_HEADER,
  p0Ticks: 100,
  levelsPerSide: 2,
  initialDepth: 2,
  marketOpenNs: 1000,
};

Deno.test("lobster: the messages and book lines of a hand-worked session (K=2, depth 2)", () => {
  const flow = new OrderFlow(HEADER, null);
  const lines = (ts: number) =>
    flow.changes.slice(0, flow.count).map((c) => {
      flow.step(c);
      return `${lobsterMessageLine(ts, c, 100, 1)} | ${
        lobsterBookLine(flow.bids, flow.asks, 2, 100, 1)
      }`;
    });
  flow.opening(1000);
  assert.equal(flow.count, 8);
  assert.equal(lines(1000)[7], "0.000001000,1,8,1,10200,-1 | 10100,2,9900,2,10200,2,9800,2");
  const rec = (type: number, priceTicks: number) => ({
    tsNs: 2000,
    type,
    side: 0,
    priceTicks,
    qty: 1,
    orderId: 0,
  });
  const steps: [number, number, number, string[]][] = [
    // A bid inside the spread: order 9, and the deepest bid level (orders 3, 4) leaves the window.
    [EventType.ADD_BID, 100, 9, [
      "0.000002000,1,9,1,10000,1 | 10100,2,10000,1,10200,2,9900,2",
      "0.000002000,3,3,1,9800,1 | 10100,2,10000,1,10200,2,9900,2",
      "0.000002000,3,4,1,9800,1 | 10100,2,10000,1,10200,2,9900,2",
    ]],
    // Cancelling it empties the best bid: the side shifts and level 98 is revealed (10, 11).
    [EventType.CANCEL_BID, 100, 9, [
      "0.000002000,3,9,1,10000,1 | 10100,2,9900,2,10200,2,-9999999999,0",
      "0.000002000,1,10,1,9800,1 | 10100,2,9900,2,10200,2,9800,1",
      "0.000002000,1,11,1,9800,1 | 10100,2,9900,2,10200,2,9800,2",
    ]],
    // A buy market order fills the oldest sell order at the best ask; a cancel takes the youngest.
    [EventType.EXECUTE_BUY, 101, 5, ["0.000002000,4,5,1,10100,-1 | 10100,1,9900,2,10200,2,9800,2"]],
    [EventType.CANCEL_ASK, 102, 8, ["0.000002000,3,8,1,10200,-1 | 10100,1,9900,2,10200,1,9800,2"]],
    // A cancel at a price outside the window concerns no order.
    [EventType.CANCEL_ASK, 110, 0, []],
  ];
  for (const [type, price, ref, expected] of steps) {
    flow.apply(rec(type, price));
    assert.equal(flow.ref, ref);
    assert.equal(flow.shares, ref === 0 ? 0 : 1);
    assert.deepEqual(lines(2000), expected);
  }
});

Deno.test("lobster: every golden session's book rebuilds from its message file alone", () => {
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
      const check = rebuildLobster(
        Deno.readTextFileSync(files[0]),
        Deno.readTextFileSync(files[1]),
        h.levelsPerSide,
      );
      assert.deepEqual(check.problems, [], session.path);
      assert.ok(check.sizes.every((s) => s === lot), "one lot an order");
      assert.deepEqual(Object.keys(check.types), ["1", "3", "4"]);
      assert.ok(check.lines > QrsdpReader.open(session.path).recordCount);
    }
  }
  Deno.removeSync(out, { recursive: true });
});
