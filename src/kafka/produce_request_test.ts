import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
// kafkajs's request framing, which a Produce request otherwise goes through.
import createRequest from "kafkajs/src/protocol/request.js";
import { PRODUCE_API_KEY, produceFrame } from "./produce_request.ts";

const batch = Uint8Array.from({ length: 3000 }, (_, i) => (i * 31) & 0xff);

Deno.test("produceFrame's body: no transactional id, acks, timeout, one topic, one partition, the batch", () => {
  const frame = produceFrame(
    { version: 7, correlationId: 9, clientId: "c" },
    "t.x",
    5,
    batch,
    -1,
    30_000,
  );
  const body = frame.subarray(4 + 2 + 2 + 4 + 2 + 1);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  assert.equal(view.getInt16(0), -1, "transactional id");
  assert.equal(view.getInt16(2), -1, "acks: all");
  assert.equal(view.getInt32(4), 30_000);
  assert.equal(view.getInt32(8), 1, "one topic");
  assert.equal(new TextDecoder().decode(body.subarray(14, 14 + view.getInt16(12))), "t.x");
  assert.equal(view.getInt32(17), 1, "one partition");
  assert.equal(view.getInt32(21), 5);
  assert.equal(view.getInt32(25), batch.length);
  assert.deepEqual(body.subarray(29), batch);
});

Deno.test("produceFrame is the request kafkajs would frame around the same body, byte for byte", async () => {
  for (
    const [version, correlationId, clientId] of [[3, 0, "qrsdp-producer"], [7, 123456, ""]] as const
  ) {
    const ours = produceFrame(
      { version, correlationId, clientId },
      "exchange.events",
      2,
      batch,
      -1,
      30_000,
    );
    const body = Buffer.from(ours.subarray(4 + 2 + 2 + 4 + 2 + clientId.length));
    const theirs = await createRequest({
      correlationId,
      clientId,
      request: {
        apiKey: PRODUCE_API_KEY,
        apiVersion: version,
        encode: () => Promise.resolve({ buf: body, buffer: body }),
      },
    });
    assert.deepEqual(ours, new Uint8Array(theirs.buffer), `version ${version}`);
  }
});

Deno.test("produceFrame writes into the room it is given when it is long enough, else anew", () => {
  const header = { version: 7, correlationId: 1, clientId: "c" };
  const fresh = produceFrame(header, "t", 0, batch, -1, 1000);
  const room = new Uint8Array(fresh.length + 100).fill(0xee);
  const inRoom = produceFrame(header, "t", 0, batch, -1, 1000, room);
  assert.equal(inRoom.buffer, room.buffer);
  assert.deepEqual(inRoom, fresh);
  const short = new Uint8Array(fresh.length - 1);
  const anew = produceFrame(header, "t", 0, batch, -1, 1000, short);
  assert.notEqual(anew.buffer, short.buffer);
  assert.deepEqual(anew, fresh);
});
