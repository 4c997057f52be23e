/*
 * Lines of comma-separated decimal numbers, each compared with the line before it, for
 * WebAssembly: `row` finds where a line differs from the previous one (16 bytes at a time from
 * both ends), parses only the fields in between and keeps the others' values. Every byte is still
 * checked: it is a copy of a byte of a field already parsed, or it is parsed. The numbers are the
 * doubles csv_reader.ts makes of them (the same operations in the same order).
 *
 * Addresses are byte offsets into linear memory; the caller owns the buffer and guarantees that
 * buf[end] is a line end and that 16 bytes past it are readable.
 */
#include <wasm_simd128.h>

typedef unsigned char u8;

#define NEWLINE 10
#define CR 13
#define COMMA 44
#define MINUS 45
#define DOT 46
#define ZERO 48

/* Results of `row` below 0: more bytes are needed, or the line is bad. */
#define NEED_MORE -1
#define TOO_MANY -2
/* -3 - k: field k (from 0) is not a number. */
#define NOT_A_NUMBER -3

/* Linear memory from address 0 (a pointer the compiler cannot take for a null constant). */
static const u8 *mem;
static double *fields;
static int *offsets;
/* [start of the next line, changed from, changed to] after each `row`. */
static int *state;
static int max_fields;
static double powers[32];

static double ten_to(int n) {
  if (n < 32) return powers[n];
  double p = powers[31];
  for (int k = 31; k < n; k++) p *= 10;
  return p;
}

__attribute__((export_name("setup"))) void setup(const u8 *base, double *f, int *o, int *s,
                                                  int max) {
  mem = base;
  fields = f;
  offsets = o;
  state = s;
  max_fields = max;
  powers[0] = 1;
  for (int k = 1; k < 32; k++) powers[k] = powers[k - 1] * 10;
}

/*
 * The decimal digits at b[*i] as a double, moving *i past them: value * 10 + digit in doubles,
 * as csv_reader.ts does, which is exact (and so equal to integer arithmetic) up to 15 digits.
 */
static inline double digits_at(const u8 *b, int *at) {
  int i = *at;
  unsigned long long whole = 0;
  unsigned c = b[i] - ZERO;
  while (c <= 9) {
    whole = whole * 10 + c;
    c = b[++i] - ZERO;
  }
  if (i - *at <= 15) {
    *at = i;
    return (double)whole;
  }
  double value = 0;
  for (int j = *at; j < i; j++) value = value * 10 + (b[j] - ZERO);
  *at = i;
  return value;
}

/* Keeps the previous line's fields from `to` on as fields k..., which now begin at `at`. */
static int keep(int k, int to, int at, int count) {
  const int total = k + count - to, shift = at - offsets[to];
  if (k != to) {
    __builtin_memmove(fields + k, fields + to, (count - to) * sizeof(double));
    __builtin_memmove(offsets + k, offsets + to, (count - to + 1) * sizeof(int));
  }
  if (shift != 0) {
    for (int j = k; j <= total; j++) offsets[j] += shift;
  }
  state[2] = k == to ? k : total;
  return total;
}

/*
 * Parses the fields of the line at `s` from byte s + at on, field k the first; should a field
 * end where the previous line's field `to` begins (`stop`, from the line's start) with no more
 * fields parsed than `to`, the previous line's fields from `to` on are kept.
 */
static int parse_fields(const u8 *b, int s, int at, int k, int stop, int to, int end, int eof,
                        int count) {
  int i = s + at;
  state[1] = k;
  for (;;) {
    if (k == max_fields) return TOO_MANY;
    offsets[k] = i - s;
    int c = b[i];
    const int negative = c == MINUS;
    if (negative) c = b[++i];
    const int first = i;
    double value = digits_at(b, &i);
    c = b[i];
    int digits = i - first;
    if (c == DOT) {
      const int point = ++i;
      const double fraction = digits_at(b, &i);
      c = b[i];
      digits += i - point;
      value += fraction / ten_to(i - point);
    }
    if (i >= end - 1 && !eof) return NEED_MORE;
    const int line_end = c == NEWLINE || (c == CR && b[i + 1] == NEWLINE);
    if (digits == 0 || (c != COMMA && !line_end)) return NOT_A_NUMBER - k;
    fields[k++] = negative ? -value : value;
    if (line_end) {
      offsets[k] = i - s + 1;
      state[2] = k;
      state[0] = c == CR ? i + 2 : i + 1;
      return k;
    }
    i++;
    if (i - s == stop && k <= to) return keep(k, to, stop, count);
  }
}

static inline int first_newline(const u8 *b, int i) {
  const v128_t nl = wasm_i8x16_splat(NEWLINE);
  for (;; i += 16) {
    const int mask = wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(b + i), nl));
    if (mask) return i + __builtin_ctz(mask);
  }
}

/*
 * Reads the line at `s` (the previous line at `p` with `count` fields, or p < 0 for none):
 * returns its field count, or a code below 0. Unread bytes end at `end`; `eof`: none follow.
 */
__attribute__((export_name("row"))) int row(int s, int p, int count, int end, int eof) {
  const u8 *b = mem;
  if (p < 0) return parse_fields(b, s, 0, 0, -1, 0, end, eof, count);
  const int before = offsets[count] - 1;
  /* The previous line holds no line end, so neither does what this one begins with alike. */
  const int reach = before < end - s ? before : end - s;
  int head = 0;
  for (;;) {
    if (head + 16 > reach) {
      while (head < reach && b[s + head] == b[p + head]) head++;
      break;
    }
    const int same = wasm_i8x16_bitmask(
        wasm_i8x16_eq(wasm_v128_load(b + s + head), wasm_v128_load(b + p + head)));
    if (same != 0xffff) {
      head += __builtin_ctz(~same);
      break;
    }
    head += 16;
  }
  const int newline = first_newline(b, s + head);
  if (newline >= end - 1 && !eof) return NEED_MORE;
  const int e = newline > s && b[newline - 1] == CR ? newline - 1 : newline, length = e - s;
  state[0] = newline + 1;
  if (head == length && length == before) {
    state[1] = state[2] = count;
    return count;
  }
  const int rest = (length < before ? length : before) - head;
  int tail = 0;
  for (;;) {
    if (tail + 16 > rest) {
      while (tail < rest && b[e - 1 - tail] == b[p + before - 1 - tail]) tail++;
      break;
    }
    const int same = wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(b + e - tail - 16),
                                                      wasm_v128_load(b + p + before - tail - 16)));
    if (same != 0xffff) {
      tail += __builtin_clz((unsigned)(~same & 0xffff) << 16);
      break;
    }
    tail += 16;
  }
  int from = 0;
  while (from + 1 < count && offsets[from + 1] <= head) from++;
  int to = from + 1;
  while (to < count && offsets[to] < before - tail) to++;
  const int stop = to < count ? offsets[to] + length - before : -1;
  return parse_fields(b, s, offsets[from], from, stop, to, end, eof, count);
}

/*
 * Skips up to n whole lines from `s` (a last line without a line end counts when `eof`): returns
 * how many, and where the next line begins in state[0].
 */
__attribute__((export_name("skip"))) int skip(int s, int end, int n, int eof) {
  const u8 *b = mem;
  int k = 0, i = s;
  while (k < n) {
    const int newline = first_newline(b, i);
    if (newline >= end) {
      if (eof && i < end) {
        k++;
        i = end;
      }
      break;
    }
    k++;
    i = newline + 1;
  }
  state[0] = i;
  return k;
}
