/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of iSCSI, ext4 and Kafka
 * record batches, a byte at a time: for the 64-byte file header. Chunks, megabytes a day, go
 * through the WebAssembly module (SIMD, wasm/lz4.c), many times as fast.
 */
let table: Int32Array | null = null;

function makeTable(): Int32Array {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c;
  }
  return t;
}

/** Continues a CRC-32C over `bytes[from..to)`; start from 0 for a new checksum. */
export function crc32c(bytes: Uint8Array, crc = 0, from = 0, to = bytes.length): number {
  const t = table ??= makeTable();
  let c = ~crc;
  for (let i = from; i < to; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
