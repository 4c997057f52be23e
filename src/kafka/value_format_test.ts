import assert from "node:assert/strict";
import { DataError } from "../core/errors.ts";
import {
  AVRO_SCHEMA,
  avroValue,
  epochDay,
  isOurSchema,
  jsonValue,
  parseAvroBody,
  parseJsonValue,
  WIRE_HEADER_SIZE,
  wireSchemaId,
} from "./value_format.ts";

const e = {
  symbol: "AAPL",
  date: "2026-01-02",
  tsNs: 34_200_003_510_394,
  type: 2,
  side: 0,
  priceTicks: 9996,
  qty: 1,
  orderId: 1,
};

Deno.test("json value: the columns of exchange_events, and back", () => {
  const text = new TextDecoder().decode(jsonValue(e));
  assert.equal(
    text,
    '{"symbol":"AAPL","date":"2026-01-02","ts_ns":34200003510394,"type":2,"side":0,"price_ticks":9996,"qty":1,"order_id":1}',
  );
  assert.deepEqual(parseJsonValue(jsonValue(e)), e);
  for (
    const [bad, why] of [["{", /not JSON/], ["[1]", /not an object/], [
      '{"symbol":"A"}',
      /"date" is missing/,
    ]] as const
  ) {
    assert.throws(
      () => parseJsonValue(new TextEncoder().encode(bad)),
      (x: Error) => x instanceof DataError && why.test(x.message),
    );
  }
});

Deno.test("avro value: the Confluent header, then each field in Avro's zigzag varints", () => {
  const v = avroValue(e, 0x01020304);
  assert.deepEqual([...v.subarray(0, WIRE_HEADER_SIZE)], [0, 1, 2, 3, 4]);
  assert.equal(wireSchemaId(v), 0x01020304);
  // "AAPL": length 4 as zigzag 8, then the bytes; date 20455 days: zigzag 40910 = 0xce 0xbf 0x02.
  assert.deepEqual([...v.subarray(5, 13)], [8, 65, 65, 80, 76, 0xce, 0xbf, 0x02]);
  assert.equal(epochDay("2026-01-02"), 20455);
  assert.deepEqual(parseAvroBody(v.subarray(WIRE_HEADER_SIZE)), e);
  const negative = { ...e, priceTicks: -3, orderId: 2 ** 53 - 1 };
  assert.deepEqual(parseAvroBody(avroValue(negative, 1).subarray(WIRE_HEADER_SIZE)), negative);
  assert.throws(
    () => parseAvroBody(v.subarray(WIRE_HEADER_SIZE, 12)),
    /ends inside a field|runs past/,
  );
  assert.throws(
    () => parseAvroBody(Uint8Array.from([...v.subarray(WIRE_HEADER_SIZE), 0])),
    /1 bytes after the event/,
  );
  assert.throws(
    () => wireSchemaId(Uint8Array.from([1, 0, 0, 0, 1])),
    /not in the Confluent wire format/,
  );
});

Deno.test("avro schema: ours is recognised as registered, another is not", () => {
  assert.equal(isOurSchema(JSON.parse(JSON.stringify(AVRO_SCHEMA))), true);
  const other = structuredClone(AVRO_SCHEMA) as unknown as { fields: { type: unknown }[] };
  other.fields[2].type = "int";
  assert.equal(isOurSchema(other), false);
  assert.equal(isOurSchema({ type: "string" }), false);
});
