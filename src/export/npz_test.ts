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

Deno.test("npz: one stored entry whose bytes and CRC the directory records", () => {
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_npz_" });
  const w = new NpzWriter(`${dir}/a.npz`, "data", "'<u8'", 8);
  for (let i = 0; i < 40_000; i++) {
    const { view, at } = w.row();
    view.setBigUint64(at, BigInt(i), true);
  }
  w.close();
  const z = Deno.readFileSync(`${dir}/a.npz`);
  const v = new DataView(z.buffer);
  assert.equal(v.getUint32(0, true), 0x04034b50);
  const size = v.getUint32(18, true);
  const nameLength = v.getUint16(26, true);
  assert.equal(new TextDecoder().decode(z.subarray(30, 30 + nameLength)), "data.npy");
  const entry = z.subarray(30 + nameLength, 30 + nameLength + size);
  assert.equal(size, 256 + 40_000 * 8);
  assert.equal(v.getUint32(14, true), crc32(entry));
  const last = new DataView(entry.buffer, entry.byteOffset + entry.length - 8).getBigUint64(
    0,
    true,
  );
  assert.equal(last, 39_999n);
  const end = z.length - 22;
  assert.equal(v.getUint32(end, true), 0x06054b50);
  assert.equal(v.getUint32(end + 16, true), 30 + nameLength + size);
  Deno.removeSync(dir, { recursive: true });
});
