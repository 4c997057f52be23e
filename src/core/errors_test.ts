import assert from "node:assert/strict";
import { DataError } from "./errors.ts";

Deno.test("DataError: the message names the source and byte offset; the parts stay apart", () => {
  const e = new DataError("chunk 3 is torn", { source: "a/b.qrsdp", offset: 640 });
  assert.equal(e.message, "a/b.qrsdp: byte 640: chunk 3 is torn");
  assert.equal(e.source, "a/b.qrsdp");
  assert.equal(e.offset, 640);
  assert.equal(e.detail, "chunk 3 is torn");
  assert.equal(e.located, "byte 640: chunk 3 is torn");
});

Deno.test("DataError: without an offset or a source, the message is what there is", () => {
  assert.equal(new DataError("bad", { source: "x.json" }).message, "x.json: bad");
  assert.equal(new DataError("bad", { source: "x.json" }).located, "bad");
  assert.equal(new DataError("bad", { offset: 0 }).message, "byte 0: bad");
  assert.equal(new DataError("bad").message, "bad");
});
