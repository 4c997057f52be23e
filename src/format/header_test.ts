import assert from "node:assert/strict";
import { DataError } from "../core/errors.ts";
import {
  decodeChunkHeader,
  decodeHeader,
  decodeIndexEntry,
  decodeIndexTail,
  encodeChunkHeader,
  encodeHeader,
  encodeIndexEntry,
  encodeIndexTail,
  HEADER_SIZE,
  INDEX_ENTRY_SIZE,
  INDEX_TAIL_SIZE,
} from "./header.ts";
import type { FileHeader } from "./header.ts";

const HEADER: FileHeader = {
  versionMajor: 1,
  versionMinor: 0,
  recordSize: 26,
  seed: 2n ** 63n + 5n,
  p0Ticks: -7,
  tickSize: 100,
  sessionSeconds: 23400,
  levelsPerSide: 5,
  initialSpreadTicks: 2,
  initialDepth: 5,
  chunkCapacity: 4096,
  headerFlags: 1,
  marketOpenNs: 34200e9,
};

Deno.test("file header: format.md's byte layout, and back", () => {
  const bytes = encodeHeader(HEADER);
  assert.equal(bytes.length, HEADER_SIZE);
  const v = new DataView(bytes.buffer);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), "QRSDPLOG");
  assert.equal(v.getBigUint64(16, true), HEADER.seed);
  assert.equal(v.getInt32(24, true), -7);
  assert.equal(v.getUint32(48, true), 4096);
  assert.equal(v.getUint32(52, true), 1);
  assert.equal(v.getBigUint64(56, true), 34200_000_000_000n);
  assert.deepEqual(decodeHeader(bytes, "f"), HEADER);
});

Deno.test("file header: what is wrong, with the file and the byte offset", () => {
  const bytes = encodeHeader(HEADER);
  const check = (b: Uint8Array, offset: number | undefined, detail: RegExp) =>
    assert.throws(
      () => decodeHeader(b, "f.qrsdp"),
      (e) =>
        e instanceof DataError && e.source === "f.qrsdp" && e.offset === offset &&
        detail.test(e.detail),
    );
  check(bytes.subarray(0, 10), undefined, /file is 10 bytes, shorter than the 64-byte header/);
  check(Uint8Array.from(bytes, (b, i) => i === 0 ? 0x71 : b), 0, /^magic is "qRSDPLOG"/);
  check(encodeHeader({ ...HEADER, versionMajor: 2 }), 8, /version_major is 2/);
  check(encodeHeader({ ...HEADER, recordSize: 32 }), 12, /record_size is 32/);
});

Deno.test("chunk header, index entry and index tail: format.md's layouts, and back", () => {
  const buf = new Uint8Array(32 + INDEX_ENTRY_SIZE + INDEX_TAIL_SIZE);
  const v = new DataView(buf.buffer);
  const chunk = {
    uncompressedSize: 26 * 3,
    compressedSize: 50,
    recordCount: 3,
    chunkFlags: 0,
    firstTsNs: 2 ** 40,
    lastTsNs: 2 ** 40 + 9,
  };
  encodeChunkHeader(chunk, v, 0);
  assert.deepEqual(decodeChunkHeader(v, 0), chunk);
  assert.equal(v.getUint32(8, true), 3);

  const entry = {
    fileOffset: 64,
    firstTsNs: 5,
    lastTsNs: 2 ** 50,
    recordCount: 4096,
    reserved: 0xdeadbeef,
  };
  encodeIndexEntry(entry, v, 32);
  assert.equal(v.getBigUint64(32, true), 64n);
  assert.equal(v.getBigUint64(32 + 16, true), 2n ** 50n);
  assert.equal(v.getUint32(32 + 24, true), 4096);
  assert.equal(v.getUint32(32 + 28, true), 0xdeadbeef);
  assert.deepEqual(decodeIndexEntry(v, 32), entry);

  const at = 32 + INDEX_ENTRY_SIZE;
  encodeIndexTail({ entryCount: 1, indexOffset: 1234 }, v, at);
  assert.equal(new TextDecoder().decode(buf.subarray(at + 4, at + 8)), "QIDX");
  assert.deepEqual(decodeIndexTail(v, at), { entryCount: 1, magic: "QIDX", indexOffset: 1234 });
});
