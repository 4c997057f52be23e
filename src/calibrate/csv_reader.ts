import { DataError } from "../core/errors.ts";
import { openForReading } from "../core/safe_read.ts";

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
 */
export class CsvReader {
  /** 1-based number of the line last read. */
  line = 0;
  readonly fields: Float64Array;
  private readonly file: Deno.FsFile;
  /** Unread bytes are [start, end); buffer[end] is always a line end, so a scan stops there. */
  private buffer = new Uint8Array(CHUNK);
  private start = 0;
  private end = 0;
  private eof = false;

  constructor(readonly path: string, maxFields: number) {
    this.fields = new Float64Array(maxFields);
    this.file = openForReading(path);
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

  /** Moves the unread bytes to the front and reads more. */
  private fill(): void {
    const keep = this.start;
    const rest = this.end - keep;
    if (rest + LOW >= this.buffer.length) {
      const bigger = new Uint8Array(this.buffer.length * 2);
      bigger.set(this.buffer.subarray(keep, this.end));
      this.buffer = bigger;
    } else this.buffer.copyWithin(0, keep, this.end);
    this.start = 0;
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
    const b = this.buffer, fields = this.fields, max = fields.length, s = this.start;
    let i = s, k = 0;
    for (;;) {
      if (k === max) this.failNext(`more than ${max - 1} fields`);
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
        this.line++;
        this.start = c === CR ? i + 2 : i + 1;
        return k;
      }
      i++;
    }
  }

  private failNext(detail: string): never {
    this.line++;
    this.fail(detail);
  }
}
