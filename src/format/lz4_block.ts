/**
 * LZ4 block compression (raw block, no frame), as `LZ4_decompress_safe` expects it.
 *
 * We compress with this small greedy compressor rather than lz4js's `compressBlock`, which can
 * start a match inside the last 12 bytes of a block (the reference decoder rejects such a block)
 * and returns 0 for input it cannot shrink. Decompression uses lz4js.
 */
const MIN_MATCH = 4;
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const MAX_OFFSET = 65535;
const HASH_LOG = 16;
const SKIP_TRIGGER = 6;
/** Past this, `base` restarts from 0 (and the table is cleared) so entries stay below 2^31. */
const BASE_LIMIT = 2 ** 30;

export function compressBound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

export class Lz4BlockCompressor {
  // 64K entries miss fewer matches than 16K did, and the probes saved more than pay for the size:
  // a generated day's chunks compress 13% faster (154 -> 133 ms, in-process A/B). Entries are
  // positions plus `base`, which moves on past every block, so the table is never cleared:
  // entries from an earlier block lie more than MAX_OFFSET behind.
  private readonly table = new Int32Array(1 << HASH_LOG);
  private base = 0;

  /** Compresses `src[0..n)` into `dst` (at least `compressBound(n)` long); returns the size. */
  compress(src: Uint8Array, n: number, dst: Uint8Array): number {
    const table = this.table;
    if (this.base > BASE_LIMIT) {
      table.fill(0);
      this.base = 0;
    }
    const base = this.base + MAX_OFFSET + 1;
    this.base = base + n;
    let op = 0;
    let anchor = 0;
    if (n >= MF_LIMIT + 1) {
      const lastMatchStart = n - MF_LIMIT;
      const matchLimit = n - LAST_LITERALS;
      let ip = 0;
      let searches = 1 << SKIP_TRIGGER;
      while (ip <= lastMatchStart) {
        const seq = read32(src, ip);
        // Hashing five bytes, as liblz4 does for inputs over 64 KiB, finds longer matches in
        // 26-byte records: 563,309 bytes of chunks for golden g1 against the C++ producer's 564,814.
        const h = (Math.imul(seq, 2654435761) ^ Math.imul(src[ip + 4], 0x85ebca6b)) >>>
          (32 - HASH_LOG);
        let ref = table[h] - base;
        table[h] = ip + base;
        if (ref < 0 || ip - ref > MAX_OFFSET || read32(src, ref) !== seq) {
          ip += searches++ >> SKIP_TRIGGER;
          continue;
        }
        searches = 1 << SKIP_TRIGGER;
        while (ip > anchor && ref > 0 && src[ip - 1] === src[ref - 1]) {
          ip--;
          ref--;
        }
        let end = ip + MIN_MATCH;
        while (end < matchLimit && src[end] === src[ref + end - ip]) end++;
        op = writeSequence(src, dst, op, anchor, ip - anchor, ip - ref, end - ip);
        ip = end;
        anchor = ip;
      }
    }
    return writeLastLiterals(src, dst, op, anchor, n - anchor);
  }
}

function read32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

function writeLength(dst: Uint8Array, op: number, rest: number): number {
  while (rest >= 255) {
    dst[op++] = 255;
    rest -= 255;
  }
  dst[op++] = rest;
  return op;
}

function copyLiterals(src: Uint8Array, dst: Uint8Array, op: number, from: number, len: number) {
  if (len > 16) dst.set(src.subarray(from, from + len), op);
  else for (let i = 0; i < len; i++) dst[op + i] = src[from + i];
  return op + len;
}

function writeSequence(
  src: Uint8Array,
  dst: Uint8Array,
  op: number,
  litFrom: number,
  litLen: number,
  offset: number,
  matchLen: number,
): number {
  const ml = matchLen - MIN_MATCH;
  dst[op++] = ((litLen < 15 ? litLen : 15) << 4) | (ml < 15 ? ml : 15);
  if (litLen >= 15) op = writeLength(dst, op, litLen - 15);
  op = copyLiterals(src, dst, op, litFrom, litLen);
  dst[op++] = offset & 0xff;
  dst[op++] = offset >>> 8;
  if (ml >= 15) op = writeLength(dst, op, ml - 15);
  return op;
}

function writeLastLiterals(
  src: Uint8Array,
  dst: Uint8Array,
  op: number,
  from: number,
  len: number,
): number {
  dst[op++] = (len < 15 ? len : 15) << 4;
  if (len >= 15) op = writeLength(dst, op, len - 15);
  return copyLiterals(src, dst, op, from, len);
}
