import { DataError } from "../core/errors.ts";

const CHUNK = 1 << 20;
/** Read more when fewer bytes than this are left unread (a line longer than it still works). */
const LOW = 1 << 16;
/** 10 to the n as n multiplications by 10 make it, the first 32 kept. */
const POWERS: number[] = [1];
while (POWERS.length < 32) POWERS.push(POWERS[POWERS.length - 1] * 10);
function tenTo(n: number): number {
  if (n < POWERS.length) return POWERS[n];
  let p = POWERS[POWERS.length - 1];
  for (let k = POWERS.length - 1; k < n; k++) p *= 10;
  return p;
}
const NEWLINE = 10, CR = 13, COMMA = 44, MINUS = 45, DOT = 46, ZERO = 48;

/**
 * Reads a file of comma-separated numbers line by line in constant memory: `next` parses the
 * next line's fields into `fields` and says how many there were (null at the end). Numbers are
 * decimal, with an optional sign and fraction; anything else is an error naming the line.
 *
 * With `reuse`, a line is compared with the line before it, from both ends, and only the fields
 * between the part they begin with alike and the part they end with alike are parsed; the others
 * keep their values (a LOBSTER orderbook row repeats most of the row before it). Every byte is
 * still checked: it is a copy of a byte of a field already parsed, or it is parsed.
 */
export class CsvReader {
  /** 1-based number of the line last read. */
  line = 0;
  readonly fields: Float64Array;
  /** The fields of the line last read that may differ from the line before: [changedFrom, changedTo). */
  changedFrom = 0;
  changedTo = 0;
  private readonly file: Deno.FsFile;
  /** Unread bytes are [start, end); buffer[end] is always a line end, so a scan stops there. */
  private buffer = new Uint8Array(CHUNK);
  private words = new DataView(this.buffer.buffer);
  private start = 0;
  private end = 0;
  private eof = false;
  /** Where the previous line begins in the buffer (kept there when reused), and its field count. */
  private previous = -1;
  private count = 0;
  /** Where each field of the previous line begins, from the line's start; then the line end + 1. */
  private readonly offsets: Int32Array;

  constructor(readonly path: string, maxFields: number, private readonly reuse = false) {
    this.fields = new Float64Array(maxFields);
    this.offsets = new Int32Array(maxFields + 1);
    try {
      this.file = Deno.openSync(path);
    } catch (e) {
      throw new DataError(`cannot read (${(e as Error).message})`, { source: path });
    }
  }

  close(): void {
    this.file.close();
  }

  fail(detail: string): never {
    throw new DataError(`line ${this.line}: ${detail}`, { source: this.path });
  }

  next(): number | null {
    for (;;) {
      if (this.start >= this.end && this.eof) return null;
      if (this.end - this.start < LOW && !this.eof) this.fill();
      const count = this.parseLine();
      if (count >= 0) return count;
      this.fill();
    }
  }

  /** Moves the unread bytes (and the previous line, when reused) to the front and reads more. */
  private fill(): void {
    const keep = this.previous >= 0 ? this.previous : this.start;
    const rest = this.end - keep;
    if (rest + LOW >= this.buffer.length) {
      const bigger = new Uint8Array(this.buffer.length * 2);
      bigger.set(this.buffer.subarray(keep, this.end));
      this.buffer = bigger;
      this.words = new DataView(bigger.buffer);
    } else this.buffer.copyWithin(0, keep, this.end);
    this.start -= keep;
    if (this.previous >= 0) this.previous -= keep;
    this.end = rest;
    const n = this.file.readSync(this.buffer.subarray(this.end, this.buffer.length - 1));
    if (n === null) this.eof = true;
    else this.end += n;
    this.buffer[this.end] = NEWLINE;
  }

  /**
   * Parses the line at `start` and moves past it; -1 when the buffer ends before the line does
   * (and more is to come), with nothing consumed.
   */
  private parseLine(): number {
    const s = this.start;
    const count = this.previous >= 0 ? this.parseChanged(s) : this.parseFields(s, 0, 0, -1, 0);
    if (count < 0) return -1;
    this.line++;
    this.count = count;
    if (this.reuse) this.previous = s;
    return count;
  }

  /** Parses the line at `s` where it differs from the previous line (which has `count` fields). */
  private parseChanged(s: number): number {
    const words = this.words, b = this.buffer, p = this.previous, offsets = this.offsets;
    const count = this.count, before = offsets[count] - 1, end = this.end;
    // The previous line holds no line end, so neither does what this one begins with alike.
    const reach = Math.min(before, end - s);
    let head = 0;
    while (head + 4 <= reach && words.getUint32(s + head) === words.getUint32(p + head)) head += 4;
    while (head < reach && b[s + head] === b[p + head]) head++;
    let newline = b.indexOf(NEWLINE, s + head);
    if (newline < 0 || newline > end) newline = end; // bytes from an earlier read
    if (newline >= end - 1 && !this.eof) return -1;
    const e = newline > s && b[newline - 1] === CR ? newline - 1 : newline, length = e - s;
    this.start = newline + 1;
    if (head === length && length === before) {
      this.changedFrom = this.changedTo = count;
      return count;
    }
    const rest = Math.min(length, before) - head;
    let tail = 0;
    while (
      tail + 4 <= rest && words.getUint32(e - tail - 4) === words.getUint32(p + before - tail - 4)
    ) {
      tail += 4;
    }
    while (tail < rest && b[e - 1 - tail] === b[p + before - 1 - tail]) tail++;
    let from = 0;
    while (from + 1 < count && offsets[from + 1] <= head) from++;
    let to = from + 1;
    while (to < count && offsets[to] < before - tail) to++;
    const stop = to < count ? offsets[to] + length - before : -1;
    return this.parseFields(s, offsets[from], from, stop, to);
  }

  /**
   * Parses the fields of the line at `s` from byte s + `at` on, field `k` the first, and returns
   * how many fields the line has (-1 when the buffer ends first, and more is to come). Should a field end where the previous line's field `to` begins
   * (`stop`, from the line's start) with no more fields parsed than `to`, the previous line's
   * fields from `to` on are kept: the two lines end alike from there.
   */
  private parseFields(
    s: number,
    at: number,
    k: number,
    stop: number,
    to: number,
  ): number {
    const b = this.buffer, fields = this.fields, offsets = this.offsets, max = fields.length;
    let i = s + at;
    this.changedFrom = k;
    for (;;) {
      if (k === max) this.failNext(`more than ${max - 1} fields`);
      offsets[k] = i - s;
      let c = b[i];
      const negative = c === MINUS;
      if (negative) c = b[++i];
      const first = i;
      let value = 0;
      while (c >= ZERO && c <= ZERO + 9) {
        value = value * 10 + (c - ZERO);
        c = b[++i];
      }
      let digits = i - first;
      if (c === DOT) {
        const point = ++i;
        let fraction = 0;
        c = b[i];
        while (c >= ZERO && c <= ZERO + 9) {
          fraction = fraction * 10 + (c - ZERO);
          c = b[++i];
        }
        digits += i - point;
        value += fraction / tenTo(i - point);
      }
      if (i >= this.end - 1 && !this.eof) return -1;
      const lineEnd = c === NEWLINE || (c === CR && b[i + 1] === NEWLINE);
      if (digits === 0 || (c !== COMMA && !lineEnd)) {
        this.failNext(`field ${k + 1} is not a number`);
      }
      fields[k++] = negative ? -value : value;
      if (lineEnd) {
        offsets[k] = i - s + 1;
        this.changedTo = k;
        this.start = c === CR ? i + 2 : i + 1;
        return k;
      }
      i++;
      if (i - s === stop && k <= to) return this.keep(k, to, stop);
    }
  }

  /** Keeps the previous line's fields from `to` on as fields `k`..., which now begin at `at`. */
  private keep(k: number, to: number, at: number): number {
    const offsets = this.offsets, count = this.count, total = k + count - to;
    const shift = at - offsets[to];
    if (k !== to) {
      this.fields.copyWithin(k, to, count);
      offsets.copyWithin(k, to, count + 1);
    }
    if (shift !== 0) { for (let j = k; j <= total; j++) offsets[j] += shift; }
    this.changedTo = k === to ? k : total;
    return total;
  }

  private failNext(detail: string): never {
    this.line++;
    this.fail(detail);
  }
}
