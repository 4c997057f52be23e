/*
 * LZ4 raw block decompression for WebAssembly, written from the LZ4 block format description
 * (a sequence is: token, literal length extension, literals, 2-byte offset, match length
 * extension; the last sequence is literals only).
 *
 * Every write stays inside [dst, dst + dst_cap) and every read inside [src, src + src_len):
 * malformed input returns an error, it never writes elsewhere in linear memory. Fast paths copy
 * 16 bytes at a time where at least 32 bytes of output room remain, then overwrite the excess.
 */
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
        copy8(op, match);
        copy8(op + 8, match + 8);
        __builtin_memcpy(op + 16, match + 16, 2);
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
