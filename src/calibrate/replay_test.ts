import assert from "node:assert/strict";
import { EventType } from "../core/events.ts";
import type { FileHeader } from "../format/header.ts";
import { TEST_HEADER } from "../format/test_log.ts";
import { encodeRecord, RECORD_SIZE } from "../format/record.ts";
import { nsToSeconds, replayFile } from "./replay.ts";
import { ASK, BID, SojournCells } from "./sojourns.ts";

Deno.test("timestamps become seconds by multiplying by 1e-9, which differs from / 1e9", () => {
  assert.equal(nsToSeconds(34200000000001), 34200.000000001004);
  assert.notEqual(34200000000001 / 1e9, 34200.000000001004);
});

/** A two-level book of depth 2 around 100, in chunks as large as the producer's. */
const HEADER: FileHeader = {
  ...TEST_HEADER,
  p0Ticks: 100,
  sessionSeconds: 10,
  levelsPerSide: 2,
  initialDepth: 2,
  chunkCapacity: 4096,
  marketOpenNs: 0,
};

/** calibration.md §5.2: [ts_ns, type, price] of the nine records of the worked example. */
const TINY: [number, number, number][] = [
  [1.0e9, EventType.ADD_BID, 99],
  [1.5e9, EventType.CANCEL_ASK, 102],
  [2.0e9, EventType.EXECUTE_BUY, 101],
  [2.25e9, EventType.EXECUTE_BUY, 101],
  [2.25e9, EventType.ADD_ASK, 101],
  [3.0e9, EventType.ADD_BID, 100],
  [3.5e9, EventType.CANCEL_BID, 97],
  [4.0e9, EventType.CANCEL_BID, 99],
  [4.5e9, EventType.EXECUTE_SELL, 100],
];

function records(rows: [number, number, number][]): Uint8Array {
  const bytes = new Uint8Array(rows.length * RECORD_SIZE);
  const view = new DataView(bytes.buffer);
  rows.forEach(([tsNs, type, priceTicks], i) =>
    encodeRecord(
      { tsNs, type, side: type % 2, priceTicks, qty: 1, orderId: i + 1 },
      view,
      i * RECORD_SIZE,
    )
  );
  return bytes;
}

Deno.test("the worked example of calibration.md §5.2: seven sojourns, each where the text says", () => {
  const cells = new SojournCells(2);
  const counts = replayFile(HEADER, [records(TINY)], cells, {
    compat: true,
    censored: false,
    onPriceMismatch: () => assert.fail("no mispriced execution here"),
  });
  assert.deepEqual(counts, { events: 9, sojourns: 7, priceMismatches: 0 });
  const at = (side: number, level: number, n: number, type: number) =>
    cells.rate(side, level, n, type);
  assert.equal(at(BID, 0, 2, EventType.ADD_BID), 1); // 1 event in 1.0 s
  assert.equal(at(BID, 0, 3, EventType.ADD_BID), 1 / 0.75);
  assert.equal(at(ASK, 1, 2, EventType.CANCEL_ASK), 1 / 1.5);
  assert.equal(at(ASK, 0, 2, EventType.EXECUTE_BUY), 0.5);
  assert.equal(at(ASK, 0, 1, EventType.EXECUTE_BUY), 4);
  assert.equal(at(BID, 1, 3, EventType.CANCEL_BID), 1);
  assert.equal(at(BID, 0, 1, EventType.EXECUTE_SELL), 1 / 1.5);
});

Deno.test("the default clock starts at the market open; the compat one at midnight", () => {
  const open = { ...HEADER, marketOpenNs: 34_200e9 };
  const first: [number, number, number][] = [[34_201e9, EventType.ADD_BID, 99]];
  for (const compat of [true, false]) {
    const cells = new SojournCells(2);
    replayFile(open, [records(first)], cells, { compat, censored: false, onPriceMismatch() {} });
    assert.equal(cells.rate(BID, 0, 2, EventType.ADD_BID), compat ? 1 / 34_201 : 1);
  }
});

Deno.test("--censored counts the time before a price change as time at risk without an event", () => {
  // The ask empties at 2 s (a price change): the bid queue's 2 s at size 2 are censored.
  const rows: [number, number, number][] = [
    [1e9, EventType.EXECUTE_BUY, 101],
    [2e9, EventType.EXECUTE_BUY, 101],
    [3e9, EventType.ADD_BID, 99],
  ];
  const rate = (censored: boolean) => {
    const cells = new SojournCells(2);
    replayFile(HEADER, [records(rows)], cells, { compat: true, censored, onPriceMismatch() {} });
    return cells.rate(BID, 0, 2, EventType.ADD_BID);
  };
  assert.equal(rate(false), 1); // 1 event in the 1 s after the re-start
  assert.equal(rate(true), 1 / 3); // 1 event in 2 + 1 s
});

Deno.test("an execution away from the replayed best price is reported, then applied at slot 0", () => {
  const lines: string[] = [];
  const cells = new SojournCells(2);
  replayFile(HEADER, [records([[1e9, EventType.EXECUTE_SELL, 97]])], cells, {
    compat: true,
    censored: false,
    onPriceMismatch: (l) => lines.push(l),
  });
  assert.deepEqual(lines, ["QRSDP: EXECUTE_SELL target price 97 != best bid 99 (not k=0)"]);
  assert.equal(cells.rate(BID, 0, 2, EventType.EXECUTE_SELL), 1);
});
