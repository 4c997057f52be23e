import assert from "node:assert/strict";
import type { EventRecord } from "../core/events.ts";
import { memorySource } from "../format/byte_source.ts";
import { SessionLog } from "../format/input.ts";
import { LogReader } from "../format/log_reader.ts";
import { TEST_HEADER, testLogBytes } from "../format/test_log.ts";
import type { SizeDistribution } from "../model/order_sizes.ts";
import { FeedDay } from "./feed_day.ts";
import type { FeedSecurity } from "./feed_day.ts";
import { FeedWindows } from "./feed_window.ts";
import { ItchBuffer } from "./messages.ts";
import { RecordCursor } from "./record_cursor.ts";
import { RecordMerge } from "./record_merge.ts";
import { StopFlag } from "../run/stop.ts";

const STOP = new StopFlag();

/** Random records of `n` securities: any type, prices about each one's p0, times with ties. */
function market(n: number, perSecurity: number, seed: number) {
  let x = seed;
  const rand = (k: number) => (x = (x * 1103515245 + 12345) % 2147483648) % k;
  const securities: FeedSecurity[] = [], sessions: EventRecord[][] = [];
  for (let i = 0; i < n; i++) {
    const p0 = 10000 + 50 * i;
    securities.push({
      symbol: `S${i}`,
      header: { ...TEST_HEADER, p0Ticks: p0, seed: BigInt(i + 1), marketOpenNs: 1000 },
    });
    let ts = 1000;
    sessions.push(Array.from({ length: perSecurity }, () => ({
      tsNs: ts += rand(3) * 2_000_000,
      type: rand(6),
      side: 0,
      priceTicks: p0 - 7 + rand(15),
      qty: 1 + rand(3),
      orderId: 0,
    })));
  }
  const files = sessions.map((records) => testLogBytes(records));
  const cursors = () =>
    files.map((f, i) => new RecordCursor(new SessionLog(new LogReader(memorySource(f, `s${i}`)))));
  return { securities, cursors };
}

/** The day's bytes with each record applied in feed order (RecordMerge). */
function oneByOne(m: ReturnType<typeof market>, sizes: SizeDistribution | null): Uint8Array {
  const out = new ItchBuffer();
  const day = new FeedDay(m.securities, 100, out, sizes);
  day.open();
  const merge = new RecordMerge(m.cursors());
  while (merge.next()) day.apply(merge.security, merge.rec);
  day.close();
  return out.data.slice();
}

/** The same day made in windows of about `target` records, taken out in small batches. */
function windowed(
  m: ReturnType<typeof market>,
  sizes: SizeDistribution | null,
  target: number,
): Uint8Array {
  const out = new ItchBuffer(), scratch = new ItchBuffer(), parts: Uint8Array[] = [];
  const day = new FeedDay(m.securities, 100, scratch, sizes);
  const windows = new FeedWindows(day, scratch, m.cursors(), out, target);
  const take = () => {
    parts.push(out.data.slice());
    out.clear();
  };
  windows.open();
  while (windows.fill(300, STOP)) take();
  windows.close();
  take();
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  return all;
}

for (
  const [name, sizes] of [
    ["one lot an order", null],
    ["sizes of their own", { kind: "geometric", mean: 3 }],
  ] as [string, SizeDistribution | null][]
) {
  Deno.test(`feed windows: the bytes of feed order, ${name}, whatever the window`, () => {
    const m = market(5, 300, 7);
    const expected = oneByOne(m, sizes);
    for (const target of [1, 7, 100, 1 << 16]) {
      assert.deepEqual(windowed(m, sizes, target), expected, `windows of ${target} records`);
    }
  });
}

Deno.test("feed windows: a security with no records and one ahead of the rest", () => {
  const m = market(3, 50, 11);
  const empty = market(1, 0, 1);
  const both = {
    securities: [...m.securities, { ...empty.securities[0], symbol: "E" }],
    cursors: () => [...m.cursors(), ...empty.cursors()],
  };
  assert.deepEqual(windowed(both, null, 5), oneByOne(both, null));
});
