import assert from "node:assert/strict";
import lz4 from "lz4js";
import { DataError } from "../src/core/errors.ts";
import { QrsdpReader } from "../src/format/reader.ts";
import { RECORD_SIZE } from "../src/format/record.ts";
import { verifyFile } from "../src/format/verify.ts";
import { LogReader } from "../src/format/log_reader.ts";
import { memorySource } from "../src/format/byte_source.ts";
import { Mt19937_64 } from "../src/core/rng.ts";
import { readRecords, runCli, tempDir } from "./helpers.ts";

const dir = tempDir("format");
const res = await runCli([
  "run",
  "--seed",
  "5",
  "--seconds",
  "120",
  "--chunk-size",
  "700",
  "--output",
  dir,
  "--quiet",
]);
assert.equal(res.code, 0, res.stderr);
const PATH = `${dir}/2026-01-02.qrsdp`;
const BYTES = Deno.readFileSync(PATH);
const RECORDS = readRecords(PATH);

const u32 = (b: Uint8Array, o: number) => new DataView(b.buffer, b.byteOffset).getUint32(o, true);
const u64 = (b: Uint8Array, o: number) =>
  Number(new DataView(b.buffer, b.byteOffset).getBigUint64(o, true));

/** CRC-32C one bit at a time: slow, and independent of src/format/crc32c.ts. */
function bitwiseCrc32c(bytes: number[]): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

Deno.test("a written file matches format.md field by field", () => {
  const b = BYTES;
  assert.equal(new TextDecoder().decode(b.subarray(0, 8)), "QRSDPLOG");
  assert.equal(new DataView(b.buffer).getUint16(8, true), 1);
  assert.equal(new DataView(b.buffer).getUint16(10, true), 0);
  assert.equal(u32(b, 12), 26);
  assert.equal(u64(b, 16), 5);
  assert.equal(new DataView(b.buffer).getInt32(24, true), 10000);
  assert.equal(u32(b, 28), 100);
  assert.equal(u32(b, 32), 120);
  assert.equal(u32(b, 36), 5);
  assert.equal(u32(b, 40), 2);
  assert.equal(u32(b, 44), 5);
  assert.equal(u32(b, 48), 700);
  assert.equal(u32(b, 52), 1, "HAS_INDEX set");
  assert.equal(u64(b, 56), 34200e9);

  // Index tail and entries.
  const tail = b.length - 16;
  const count = u32(b, tail);
  assert.equal(new TextDecoder().decode(b.subarray(tail + 4, tail + 8)), "QIDX");
  const indexStart = u64(b, tail + 8);
  assert.equal(indexStart + count * 32, tail);
  assert.equal(count, Math.ceil(RECORDS.length / 700));

  // Walk the chunks by their headers and check each against its index entry and records.
  let offset = 64, seen = 0, prevLast = 0;
  for (let i = 0; i < count; i++) {
    const e = indexStart + i * 32;
    assert.equal(u64(b, e), offset, `chunk ${i} offset`);
    const n = u32(b, offset + 8);
    assert.equal(
      n,
      i < count - 1 ? 700 : RECORDS.length - 700 * (count - 1),
      "only the last chunk is short",
    );
    assert.equal(u32(b, offset), n * RECORD_SIZE);
    assert.equal(u32(b, offset + 12), 1, "chunk_flags: bit 0, the index entry holds a CRC-32C");
    const comp = u32(b, offset + 4);
    const raw = new Uint8Array(n * RECORD_SIZE);
    assert.equal(lz4.decompressBlock(b, raw, offset + 32, comp, 0), raw.length);
    const first = u64(raw, 0), last = u64(raw, raw.length - RECORD_SIZE);
    assert.equal(u64(b, offset + 16), first);
    assert.equal(u64(b, offset + 24), last);
    assert.equal(u64(b, e + 8), first);
    assert.equal(u64(b, e + 16), last);
    assert.equal(u32(b, e + 24), n);
    const covered = [...b.subarray(0, 52), 0, 0, 0, 0, ...b.subarray(56, 64)];
    covered.push(...b.subarray(offset, offset + 32 + comp));
    assert.equal(u32(b, e + 28), bitwiseCrc32c(covered), "index reserved: the chunk's CRC-32C");
    assert.ok(first >= prevLast, "timestamps never decrease across chunks");
    assert.equal(first, RECORDS[seen].tsNs);
    prevLast = last;
    seen += n;
    offset += 32 + comp;
  }
  assert.equal(offset, indexStart);
  assert.equal(seen, RECORDS.length);
});

Deno.test("a file cut at any byte gives back every complete chunk and names the damage", () => {
  const full = new QrsdpReader(BYTES, "full");
  const ends = full.chunks.map((c) => c.offset + 32 + c.compressedSize);
  const prefix = (n: number) => full.chunks.slice(0, n).reduce((s, c) => s + c.recordCount, 0);
  for (let cut = 0; cut < BYTES.length; cut++) {
    const bytes = BYTES.slice(0, cut);
    if (cut < 64) {
      assert.throws(() => new QrsdpReader(bytes, "cut"), DataError);
      continue;
    }
    const r = new QrsdpReader(bytes, "cut");
    const complete = ends.filter((e) => e <= cut).length;
    assert.equal(r.chunks.length, complete, `cut at ${cut}`);
    const atBoundary = cut === 64 || ends.includes(cut);
    // HAS_INDEX is set in the whole file, so no cut is ever taken for a complete file.
    const inIndex = cut > ends[ends.length - 1];
    assert.match(
      r.damage ?? "",
      atBoundary
        ? /^byte \d+: HAS_INDEX is set but the index is missing/
        : inIndex
        ? /^byte \d+: torn index/
        : /^byte \d+: torn chunk/,
      `cut at ${cut}`,
    );
    if (cut % 997 === 0 || !atBoundary && ends.includes(cut - 1)) {
      let n = 0;
      r.forEach((rec) => assert.equal(rec.orderId, RECORDS[n++].orderId));
      assert.equal(n, prefix(complete));
    }
  }
});

Deno.test("a file whose index was written but HAS_INDEX not yet set is read whole, and flagged", () => {
  const bytes = BYTES.slice();
  bytes[52] = 0;
  const r = new QrsdpReader(bytes, "unflagged");
  assert.equal(r.indexed, false);
  assert.equal(r.damage, "byte 52: HAS_INDEX is not set though an index follows the chunks");
  assert.equal(r.recordCount, RECORDS.length);
});

Deno.test("random corruption never crashes the reader: it reads, or fails with a DataError", () => {
  const rng = new Mt19937_64(2024);
  const pick = (n: number) => Math.floor(rng.uniform() * n);
  let damaged = 0;
  for (let trial = 0; trial < 400; trial++) {
    const bytes = BYTES.slice();
    const flips = 1 + pick(8);
    for (let i = 0; i < flips; i++) bytes[pick(bytes.length)] = pick(256);
    try {
      const reader = new LogReader(memorySource(bytes, "corrupt"));
      const check = verifyFile(reader);
      if (check.problems.length || reader.damage) damaged++;
      for (const p of check.problems) assert.match(p, /byte \d+/);
    } catch (e) {
      assert.ok(e instanceof DataError, `trial ${trial}: ${e}`);
      assert.match((e as Error).message, /^corrupt: byte \d+/);
      damaged++;
    }
  }
  assert.ok(damaged > 0, "some corruption is detected");
});
