import assert from "node:assert/strict";
import { crc32, npyHeader, NpzWriter } from "./npz.ts";

Deno.test("npz: zip's CRC-32, continued across pieces", () => {
  const bytes = new TextEncoder().encode("123456789");
  assert.equal(crc32(bytes), 0xcbf43926);
  assert.equal(crc32(bytes.subarray(4), crc32(bytes.subarray(0, 4))), 0xcbf43926);
});

Deno.test("npz: NumPy's 1.0 header, padded to 64 bytes with a newline at the end", () => {
  const h = npyHeader("'<u8'", 12_345);
  assert.equal(h.length % 64, 0);
  assert.deepEqual([...h.subarray(0, 8)], [0x93, 78, 85, 77, 80, 89, 1, 0]);
  const text = new TextDecoder().decode(h.subarray(10));
  assert.match(text, /^\{'descr': '<u8', 'fortran_order': False, 'shape': \(12345,\), \} +\n$/);
  assert.equal(new DataView(h.buffer).getUint16(8, true), h.length - 10);
});

Deno.test("npz: one stored entry, its CRC and sizes in the data descriptor and the directory", () => {
  const parts: Uint8Array[] = [];
  const w = new NpzWriter({ write: (b) => parts.push(b.slice()) }, "data", "'<u8'", 8, 40_000);
  for (let i = 0; i < 40_000; i++) {
    const { view, at } = w.row();
    view.setBigUint64(at, BigInt(i), true);
  }
  assert.throws(() => w.row(), /more than the 40000 rows announced/);
  w.finish();
  const z = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (z.set(p, at), at + p.length), 0);
  const v = new DataView(z.buffer);
  assert.equal(v.getUint32(0, true), 0x04034b50);
  assert.equal(v.getUint16(6, true), 0x08);
  const nameLength = v.getUint16(26, true);
  assert.equal(new TextDecoder().decode(z.subarray(30, 30 + nameLength)), "data.npy");
  const size = 256 + 40_000 * 8;
  const entry = z.subarray(30 + nameLength, 30 + nameLength + size);
  const last = new DataView(entry.buffer, entry.byteOffset + entry.length - 8).getBigUint64(
    0,
    true,
  );
  assert.equal(last, 39_999n);
  const descriptor = 30 + nameLength + size;
  assert.deepEqual(
    [0, 4, 8, 12].map((o) => v.getUint32(descriptor + o, true)),
    [0x08074b50, crc32(entry), size, size],
  );
  const central = descriptor + 16;
  assert.equal(v.getUint32(central, true), 0x02014b50);
  assert.deepEqual([16, 20, 24].map((o) => v.getUint32(central + o, true)), [
    crc32(entry),
    size,
    size,
  ]);
  const end = z.length - 22;
  assert.equal(v.getUint32(end, true), 0x06054b50);
  assert.equal(v.getUint32(end + 16, true), central);
});

Deno.test("npz: fewer rows than announced is an error, not a short file", () => {
  const w = new NpzWriter({ write: () => {} }, "data", "'<u8'", 8, 3);
  w.row();
  assert.throws(() => w.finish(), /1 rows written of the 3 announced/);
});
