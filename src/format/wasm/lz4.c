/*
 * LZ4 raw block decompression for WebAssembly, written from the LZ4 block format description
 * (a sequence is: token, literal length extension, literals, 2-byte offset, match length
 * extension; the last sequence is literals only).
 *
 * Every write stays inside [dst, dst + dst_cap) and every read inside [src, src + src_len):
 * malformed input returns an error, it never writes elsewhere in linear memory. Fast paths copy
 * 16 bytes at a time where at least 32 bytes of output room remain, then overwrite the excess.
 */
#include <wasm_simd128.h>

typedef unsigned char u8;
typedef unsigned int u32;

#define WILD 32

static inline void copy16(u8 *d, const u8 *s) { __builtin_memcpy(d, s, 16); }
static inline void copy8(u8 *d, const u8 *s) { __builtin_memcpy(d, s, 8); }

/*
 * Decodes the block src[0..src_len) into dst (room for dst_cap bytes). Returns the decoded
 * size, or -1 - p where p is the input position at which the block was found malformed.
 */
__attribute__((export_name("decode"))) int decode(const u8 *src, int src_len, u8 *dst,
                                                  int dst_cap) {
  const u8 *ip = src;
  const u8 *const iend = src + src_len;
  u8 *op = dst;
  u8 *const oend = dst + dst_cap;
  /* Past these, a sequence with short lengths may not take the shortcut below. */
  const u8 *const ishort = src_len >= 18 ? iend - 18 : src;
  u8 *const oshort = dst_cap >= 34 ? oend - 34 : dst;
  for (;;) {
    if (ip >= iend) goto bad;
    const u32 token = *ip++;
    u32 lit = token >> 4;
    /*
     * Shortcut for a sequence with literal length < 15 and match length < 15 (most of ours):
     * 16 bytes of literals and 18 of match copied whatever the lengths, no loops.
     */
    if (lit != 15 && ip < ishort && op < oshort) {
      copy16(op, ip);
      op += lit;
      ip += lit;
      const u32 offset = ip[0] | (ip[1] << 8);
      const u32 len = token & 15;
      if (len != 15 && offset >= 8 && offset <= (u32)(op - dst)) {
        ip += 2;
        const u8 *match = op - offset;
        if (len <= 12 && offset >= 16) {
          copy16(op, match);
        } else {
          copy8(op, match);
          copy8(op + 8, match + 8);
          __builtin_memcpy(op + 16, match + 16, 2);
        }
        op += len + 4;
        continue;
      }
      /* Literals done; the match goes the long way. */
      lit = 0;
    }
    if (lit == 15) {
      u32 b;
      do {
        if (ip >= iend) goto bad;
        b = *ip++;
        lit += b;
      } while (b == 255);
    }
    if (lit > (u32)(iend - ip) || lit > (u32)(oend - op)) goto bad;
    if (lit <= 16 && oend - op >= WILD && iend - ip >= 16) {
      copy16(op, ip);
    } else {
      __builtin_memmove(op, ip, lit);
    }
    op += lit;
    ip += lit;
    if (ip == iend) return (int)(op - dst);
    if (iend - ip < 2) goto bad;
    const u32 offset = ip[0] | (ip[1] << 8);
    ip += 2;
    if (offset == 0 || offset > (u32)(op - dst)) goto bad;
    u32 len = token & 15;
    if (len == 15) {
      u32 b;
      do {
        if (ip >= iend) goto bad;
        b = *ip++;
        len += b;
      } while (b == 255);
    }
    len += 4;
    if (len > (u32)(oend - op)) goto bad;
    const u8 *match = op - offset;
    u8 *const mend = op + len;
    if ((u32)(oend - mend) >= 16) {
      if (offset >= 16) {
        do {
          copy16(op, match);
          op += 16;
          match += 16;
        } while (op < mend);
        op = mend;
        continue;
      }
      if (offset >= 8) {
        do {
          copy8(op, match);
          op += 8;
          match += 8;
        } while (op < mend);
        op = mend;
        continue;
      }
    }
    while (op < mend) *op++ = *match++;
  }
bad:
  return -1 - (int)(ip - src);
}

/*
 * Splits n 26-byte records (format.md) into columns: ts_ns and order_id as doubles (exact below
 * 2^53), price_ticks, qty, type, side. JavaScript reads typed arrays faster than it decodes
 * unaligned little-endian fields.
 */
__attribute__((export_name("columns"))) void columns(const u8 *src, int n, double *ts, double *order,
                                                     int *price, u32 *qty, u8 *type, u8 *side) {
  for (int i = 0; i < n; i++, src += 26) {
    unsigned long long t, o;
    __builtin_memcpy(&t, src, 8);
    __builtin_memcpy(&o, src + 18, 8);
    ts[i] = (double)t;
    order[i] = (double)o;
    __builtin_memcpy(price + i, src + 10, 4);
    __builtin_memcpy(qty + i, src + 14, 4);
    type[i] = src[8];
    side[i] = src[9];
  }
}

/*
 * LZ4 block compression: greedy, one hash table of 64K positions hashed from five bytes, the
 * table never cleared between blocks (entries carry a base that moves past every block, so an
 * earlier block's entries lie more than MAX_OFFSET behind). Blocks are what LZ4_decompress_safe
 * reads: the last match starts at least 12 bytes before the end, the last 5 bytes are literals.
 */
#define MIN_MATCH 4
/* The 26-byte event record (format.md). */
#define RECORD 26
#define LAST_LITERALS 5
#define MF_LIMIT 12
#define MAX_OFFSET 65535
#define HASH_LOG 16
#define SKIP_TRIGGER 6
/* Past this, the base restarts from 0 (and the table is cleared) so entries stay below 2^31. */
#define BASE_LIMIT (1 << 30)

static int table[1 << HASH_LOG];
static int next_base = 0;

static inline u32 read32(const u8 *p) {
  u32 v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

static inline u8 *write_length(u8 *op, u32 rest) {
  while (rest >= 255) {
    *op++ = 255;
    rest -= 255;
  }
  *op++ = (u8)rest;
  return op;
}

/* Compresses src[0..n) into dst (room for n + n / 255 + 16 bytes); returns the size. */
__attribute__((export_name("compress"))) int compress(const u8 *src, int n, u8 *dst) {
  if (next_base > BASE_LIMIT) {
    __builtin_memset(table, 0, sizeof table);
    next_base = 0;
  }
  const int base = next_base + MAX_OFFSET + 1;
  next_base = base + n;
  u8 *op = dst;
  /* The end of dst's room: short literal runs are copied 16 bytes at a time where it allows. */
  u8 *const oend = dst + n + n / 255 + 16;
  int anchor = 0;
  if (n >= MF_LIMIT + 1) {
    const int last_match_start = n - MF_LIMIT;
    const int match_limit = n - LAST_LITERALS;
    int ip = 0;
    u32 searches = 1 << SKIP_TRIGGER;
    while (ip <= last_match_start) {
      const u32 seq = read32(src + ip);
      int ref = ip - RECORD;
      /*
       * The same five bytes one record back are the likeliest match in a log (half of them):
       * taking it without a hash lookup is about 10 % faster, and the blocks no larger.
       */
      if (ref < 0 || read32(src + ref) != seq || src[ip + 4] != src[ref + 4]) {
        const u32 h = ((seq * 2654435761u) ^ (src[ip + 4] * 0x85ebca6bu)) >> (32 - HASH_LOG);
        ref = table[h] - base;
        table[h] = ip + base;
        if (ref < 0 || ip - ref > MAX_OFFSET || read32(src + ref) != seq) {
          ip += searches++ >> SKIP_TRIGGER;
          continue;
        }
      }
      searches = 1 << SKIP_TRIGGER;
      while (ip > anchor && ref > 0 && src[ip - 1] == src[ref - 1]) {
        ip--;
        ref--;
      }
      int end = ip + MIN_MATCH;
      while (end + 8 <= match_limit) {
        unsigned long long a, b;
        __builtin_memcpy(&a, src + end, 8);
        __builtin_memcpy(&b, src + ref + end - ip, 8);
        if (a != b) {
          end += __builtin_ctzll(a ^ b) >> 3;
          goto found;
        }
        end += 8;
      }
      while (end < match_limit && src[end] == src[ref + end - ip]) end++;
    found:;
      const u32 lit = (u32)(ip - anchor);
      const u32 ml = (u32)(end - ip) - MIN_MATCH;
      const u32 offset = (u32)(ip - ref);
      *op++ = (u8)(((lit < 15 ? lit : 15) << 4) | (ml < 15 ? ml : 15));
      if (lit >= 15) op = write_length(op, lit - 15);
      if (lit <= 16 && op + 16 <= oend && anchor + 16 <= n) {
        copy16(op, src + anchor);
      } else {
        __builtin_memcpy(op, src + anchor, lit);
      }
      op += lit;
      *op++ = (u8)offset;
      *op++ = (u8)(offset >> 8);
      if (ml >= 15) op = write_length(op, ml - 15);
      ip = end;
      anchor = ip;
    }
  }
  const u32 lit = (u32)(n - anchor);
  *op++ = (u8)((lit < 15 ? lit : 15) << 4);
  if (lit >= 15) op = write_length(op, lit - 15);
  __builtin_memcpy(op, src + anchor, lit);
  op += lit;
  return (int)(op - dst);
}

/*
 * Checks n 26-byte records: timestamps never below prev_ts nor each other's predecessor, type
 * 0..5, side 0..2. When all pass, adds each type's count to mix[0..5] and returns -1; else
 * returns the index of the first record that fails (and adds nothing).
 */
__attribute__((export_name("tally"))) int tally(const u8 *src, int n, double prev_ts, u32 *mix) {
  u32 counts[8] = {0};
  unsigned long long prev = prev_ts < 0 ? 0 : (unsigned long long)prev_ts;
  for (int i = 0; i < n; i++, src += 26) {
    unsigned long long t;
    __builtin_memcpy(&t, src, 8);
    const u32 type = src[8];
    if (t < prev || type > 5 || src[9] > 2) return i;
    prev = t;
    counts[type]++;
  }
  for (int t = 0; t < 6; t++) mix[t] += counts[t];
  return -1;
}

/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) continued from crc over p[0..n), as
 * crc32c.ts computes it. WebAssembly has no CRC instruction, and table lookups cost a shift, a
 * mask, a load and a xor per byte. So blocks of 4096 bytes are cut into 16 streams of 256 bytes,
 * one per SIMD lane: each lane's register is held a byte per vector (four vectors), and a step
 * feeds every lane one byte, looking the byte up by its two nibbles in 16-entry tables with
 * swizzles (eight per step, for 16 bytes). The rest goes through slicing by 8.
 *
 * A CRC register is linear: the register after streams A, B is shift(reg(A), |B|) ^ reg0(B),
 * where reg0 starts from 0 and shift feeds |B| zero bytes (crc_shift: four lookups).
 *
 * The swizzles are relaxed (a plain pshufb on x86) with every index masked to 0..15, where
 * relaxed and strict swizzles agree, so the result is the same on every engine.
 */
#define CRC_STREAM 256
#define CRC_BLOCK (16 * CRC_STREAM)
static u32 crc_table[8][256];
static u32 crc_shift[4][256];
/* Byte q of the table entry for nibble n as the low (lo) or the high (hi) half of a byte. */
static u8 crc_nibble_lo[4][16], crc_nibble_hi[4][16];
static int crc_ready = 0;

static void crc_init(void) {
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    crc_table[0][i] = c;
  }
  for (u32 i = 0; i < 256; i++) {
    for (int s = 1; s < 8; s++) {
      const u32 prev = crc_table[s - 1][i];
      crc_table[s][i] = (prev >> 8) ^ crc_table[0][prev & 0xff];
    }
  }
  /* The shift of each of the 32 register bits, then of every byte value at each position. */
  u32 bit[32];
  for (int b = 0; b < 32; b++) {
    u32 c = 1u << b;
    for (int k = 0; k < CRC_STREAM; k++) c = crc_table[0][c & 0xff] ^ (c >> 8);
    bit[b] = c;
  }
  for (int pos = 0; pos < 4; pos++) {
    for (u32 v = 0; v < 256; v++) {
      u32 c = 0;
      for (int b = 0; b < 8; b++) {
        if (v & (1u << b)) c ^= bit[8 * pos + b];
      }
      crc_shift[pos][v] = c;
    }
  }
  for (int q = 0; q < 4; q++) {
    for (int n = 0; n < 16; n++) {
      crc_nibble_lo[q][n] = crc_table[0][n] >> (8 * q);
      crc_nibble_hi[q][n] = crc_table[0][n << 4] >> (8 * q);
    }
  }
  crc_ready = 1;
}

static inline u32 crc_step8(u32 c, const u8 *p) {
  u32 lo, hi;
  __builtin_memcpy(&lo, p, 4);
  __builtin_memcpy(&hi, p + 4, 4);
  lo ^= c;
  return crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
         crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^ crc_table[3][hi & 0xff] ^
         crc_table[2][(hi >> 8) & 0xff] ^ crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
}

static inline u32 crc_shift_stream(u32 c) {
  return crc_shift[0][c & 0xff] ^ crc_shift[1][(c >> 8) & 0xff] ^ crc_shift[2][(c >> 16) & 0xff] ^
         crc_shift[3][c >> 24];
}

/* Transposes 16 rows of 16 bytes: byte j of r[t] becomes what byte t of r[j] was. */
static inline void transpose16(v128_t *r) {
  v128_t a[16], b[16];
  for (int j = 0; j < 8; j++) {
    a[2 * j] = wasm_i8x16_shuffle(r[2 * j], r[2 * j + 1], 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5,
                                  21, 6, 22, 7, 23);
    a[2 * j + 1] = wasm_i8x16_shuffle(r[2 * j], r[2 * j + 1], 8, 24, 9, 25, 10, 26, 11, 27, 12,
                                      28, 13, 29, 14, 30, 15, 31);
  }
  for (int j = 0; j < 4; j++) {
    for (int h = 0; h < 2; h++) {
      b[4 * j + 2 * h] = wasm_i16x8_shuffle(a[4 * j + h], a[4 * j + 2 + h], 0, 8, 1, 9, 2, 10, 3, 11);
      b[4 * j + 2 * h + 1] =
          wasm_i16x8_shuffle(a[4 * j + h], a[4 * j + 2 + h], 4, 12, 5, 13, 6, 14, 7, 15);
    }
  }
  for (int j = 0; j < 2; j++) {
    for (int h = 0; h < 4; h++) {
      a[8 * j + 2 * h] = wasm_i32x4_shuffle(b[8 * j + h], b[8 * j + 4 + h], 0, 4, 1, 5);
      a[8 * j + 2 * h + 1] = wasm_i32x4_shuffle(b[8 * j + h], b[8 * j + 4 + h], 2, 6, 3, 7);
    }
  }
  for (int h = 0; h < 8; h++) {
    r[2 * h] = wasm_i64x2_shuffle(a[h], a[8 + h], 0, 2);
    r[2 * h + 1] = wasm_i64x2_shuffle(a[h], a[8 + h], 1, 3);
  }
}

#define NIBBLE(table, index) __builtin_wasm_relaxed_swizzle_i8x16(table, index)

/* The register after the 4096-byte block p, from register c. */
static u32 crc_block(u32 c, const u8 *p) {
  const v128_t lo0 = wasm_v128_load(crc_nibble_lo[0]), hi0 = wasm_v128_load(crc_nibble_hi[0]);
  const v128_t lo1 = wasm_v128_load(crc_nibble_lo[1]), hi1 = wasm_v128_load(crc_nibble_hi[1]);
  const v128_t lo2 = wasm_v128_load(crc_nibble_lo[2]), hi2 = wasm_v128_load(crc_nibble_hi[2]);
  const v128_t lo3 = wasm_v128_load(crc_nibble_lo[3]), hi3 = wasm_v128_load(crc_nibble_hi[3]);
  const v128_t nibble = wasm_i8x16_splat(0x0f);
  /* Stream 0 continues c; the others start from 0. */
  v128_t r0 = wasm_i32x4_make(c & 0xff, 0, 0, 0), r1 = wasm_i32x4_make((c >> 8) & 0xff, 0, 0, 0);
  v128_t r2 = wasm_i32x4_make((c >> 16) & 0xff, 0, 0, 0), r3 = wasm_i32x4_make(c >> 24, 0, 0, 0);
  for (int k = 0; k < CRC_STREAM; k += 16) {
    v128_t bytes[16];
    for (int j = 0; j < 16; j++) bytes[j] = wasm_v128_load(p + j * CRC_STREAM + k);
    transpose16(bytes);
    for (int t = 0; t < 16; t++) {
      const v128_t x = wasm_v128_xor(r0, bytes[t]);
      const v128_t lo = wasm_v128_and(x, nibble);
      const v128_t hi = wasm_v128_and(wasm_u16x8_shr(x, 4), nibble);
      r0 = wasm_v128_xor(r1, wasm_v128_xor(NIBBLE(lo0, lo), NIBBLE(hi0, hi)));
      r1 = wasm_v128_xor(r2, wasm_v128_xor(NIBBLE(lo1, lo), NIBBLE(hi1, hi)));
      r2 = wasm_v128_xor(r3, wasm_v128_xor(NIBBLE(lo2, lo), NIBBLE(hi2, hi)));
      r3 = wasm_v128_xor(NIBBLE(lo3, lo), NIBBLE(hi3, hi));
    }
  }
  u8 b0[16], b1[16], b2[16], b3[16];
  wasm_v128_store(b0, r0);
  wasm_v128_store(b1, r1);
  wasm_v128_store(b2, r2);
  wasm_v128_store(b3, r3);
  c = b0[0] | b1[0] << 8 | b2[0] << 16 | (u32)b3[0] << 24;
  for (int j = 1; j < 16; j++) {
    c = crc_shift_stream(c) ^ (b0[j] | b1[j] << 8 | b2[j] << 16 | (u32)b3[j] << 24);
  }
  return c;
}

__attribute__((export_name("crc32c"))) u32 crc32c(u32 crc, const u8 *p, int n) {
  if (!crc_ready) crc_init();
  u32 c = ~crc;
  const u8 *const end = p + n;
  for (; end - p >= CRC_BLOCK; p += CRC_BLOCK) c = crc_block(c, p);
  for (; end - p >= 8; p += 8) c = crc_step8(c, p);
  while (p < end) c = crc_table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
  return ~c;
}
