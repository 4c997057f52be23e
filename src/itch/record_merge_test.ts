import assert from "node:assert/strict";
import { newRecord } from "../core/events.ts";
import { memorySource } from "../format/byte_source.ts";
import { LogReader } from "../format/log_reader.ts";
import { testLogBytes } from "../format/test_log.ts";
import { RecordCursor } from "./record_cursor.ts";
import { SessionLog } from "../format/input.ts";
import { RecordMerge } from "./record_merge.ts";

/** A cursor over a session of records at these times, priced `id + 0, id + 1, ...`. */
function session(id: number, times: number[]): RecordCursor {
  const records = times.map((tsNs, i) => ({ ...newRecord(), tsNs, priceTicks: id + i }));
  return new RecordCursor(
    new SessionLog(new LogReader(memorySource(testLogBytes(records), `s${id}`))),
  );
}

Deno.test("record merge: by ts_ns, ties by security order then file order", () => {
  const merge = new RecordMerge([
    session(100, [1, 3, 3, 5, 5, 9]),
    session(200, [2, 3, 6]),
    session(300, []),
    session(400, [3, 5]),
  ]);
  const seen: string[] = [];
  while (merge.next()) seen.push(`${merge.rec.tsNs}:${merge.security}:${merge.rec.priceTicks}`);
  assert.deepEqual(seen, [
    "1:0:100",
    "2:1:200",
    "3:0:101",
    "3:0:102",
    "3:1:201",
    "3:3:400",
    "5:0:103",
    "5:0:104",
    "5:3:401",
    "6:1:202",
    "9:0:105",
  ]);
  assert.equal(merge.next(), false, "stays at the end");
});

Deno.test("record merge: many sessions come out as one sorted stream (ties by security order)", () => {
  let x = 7;
  const rand = () => (x = (x * 1103515245 + 12345) % 2147483648) % 50;
  const times = Array.from({ length: 40 }, () => {
    const t = Array.from({ length: rand() }, rand);
    return t.sort((a, b) => a - b);
  });
  const merge = new RecordMerge(times.map((t, i) => session(i * 1000, t)));
  const seen: [number, number][] = [];
  while (merge.next()) seen.push([merge.rec.tsNs, merge.security]);
  const expected = times.flatMap((t, i) => t.map((ts): [number, number] => [ts, i]))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  assert.deepEqual(seen, expected);
});
