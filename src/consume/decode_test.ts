import assert from "node:assert/strict";
import { DataError } from "../core/errors.ts";
import { encodeRecordBytes } from "../format/record.ts";
import { decodeMessage, eventJson, eventText, hasControl, oneLine } from "./decode.ts";

const enc = new TextEncoder();
const a = { tsNs: 34_200_003_510_394, type: 2, side: 0, priceTicks: 9996, qty: 1, orderId: 1 };
const b = { tsNs: 34_200_028_580_801, type: 4, side: 1, priceTicks: 10001, qty: 1, orderId: 2 };

function message(value: Uint8Array | null) {
  return {
    partition: 2,
    offset: 41,
    key: enc.encode("AAPL"),
    value,
    headers: { date: enc.encode("2026-01-02") },
  };
}

Deno.test("consume: a one-record message decodes with its key, partition, offset and date", () => {
  const [e, ...rest] = decodeMessage(message(encodeRecordBytes(a)));
  assert.equal(rest.length, 0);
  assert.deepEqual(e, {
    partition: 2,
    offset: 41,
    index: 0,
    key: "AAPL",
    date: "2026-01-02",
    ...a,
  });
  assert.equal(eventText(e), "2@41 AAPL 2026-01-02 09:30:00.003510394 CANCEL_BID BID 9996 1 1");
  assert.deepEqual(JSON.parse(eventJson(e)), {
    partition: 2,
    offset: 41,
    index: 0,
    key: "AAPL",
    date: "2026-01-02",
    ts_ns: a.tsNs,
    type: 2,
    type_name: "CANCEL_BID",
    side: 0,
    price_ticks: 9996,
    qty: 1,
    order_id: 1,
  });
});

Deno.test("consume: a packed message gives every record, in order", () => {
  const packed = new Uint8Array(52);
  packed.set(encodeRecordBytes(a), 0);
  packed.set(encodeRecordBytes(b), 26);
  const events = decodeMessage(message(packed));
  assert.deepEqual(events.map((e) => [e.index, e.orderId, e.type]), [[0, 1, 2], [1, 2, 4]]);
  assert.equal(
    eventText(events[1]),
    "2@41/1 AAPL 2026-01-02 09:30:00.028580801 EXECUTE_BUY ASK 10001 1 2",
  );
});

Deno.test("consume: a value that is not whole records names its partition and offset", () => {
  for (const bad of [null, new Uint8Array(0), new Uint8Array(25), new Uint8Array(27)]) {
    assert.throws(
      () => decodeMessage(message(bad)),
      (e: Error) =>
        e instanceof DataError && /^partition 2 offset 41: value of \d+ bytes/.test(e.message),
    );
  }
});

Deno.test("consume: no key and no date header print as '-' and null", () => {
  const [e] = decodeMessage({
    partition: 0,
    offset: 0,
    key: null,
    value: encodeRecordBytes(a),
    headers: {},
  });
  assert.equal(eventText(e).split(" ").slice(1, 3).join(" "), "- -");
  assert.equal(JSON.parse(eventJson(e)).date, null);
});

Deno.test("consume: bytes that are not one of our records say why, by partition and offset", () => {
  const random = encodeRecordBytes(a);
  random[8] = 142;
  assert.throws(
    () => decodeMessage(message(random)),
    (e: Error) =>
      e instanceof DataError &&
      e.message === "partition 2 offset 41: type 142 is not one of the six (0-5)",
  );
  const packed = new Uint8Array(52);
  packed.set(encodeRecordBytes(a), 0);
  packed.set(encodeRecordBytes({ ...b, side: 7 }), 26);
  assert.throws(
    () => decodeMessage(message(packed)),
    /^DataError: partition 2 offset 41 record 1: side 7 is not 0, 1 or 2$/,
  );
  const huge = encodeRecordBytes(a);
  huge.fill(0xff, 0, 8);
  assert.throws(() => decodeMessage(message(huge)), /offset 41: ts_ns is beyond 2\^53$/);
  for (const date of ["not-a-date", "2026-02-30", "2026-1-02"]) {
    assert.throws(
      () =>
        decodeMessage({ ...message(encodeRecordBytes(a)), headers: { date: enc.encode(date) } }),
      new RegExp(`offset 41: date header "${date}" is not a YYYY-MM-DD date$`),
    );
  }
});

Deno.test("consume: control characters from the wire are escaped, in text and in JSON", () => {
  const [e] = decodeMessage({
    ...message(encodeRecordBytes(a)),
    key: enc.encode("A\x1b]0;x\x07\n\x9b"),
  });
  assert.equal(eventText(e).split(" ")[1], "A\\x1b]0;x\\x07\\x0a\\x9b");
  const json = eventJson(e);
  assert.equal(hasControl(json), false);
  assert.equal(JSON.parse(json).key, "A\x1b]0;x\x07\n\x9b");
  assert.equal(oneLine("tab\there"), "tab\\x09here");
  assert.equal(hasControl("A\x9b"), true);
  assert.equal(hasControl("AAPL"), false);
});
