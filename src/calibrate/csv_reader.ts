import { DataError } from "../core/errors.ts";

const CHUNK = 1 << 20;
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
  private buffer = new Uint8Array(CHUNK);
  private start = 0;
  private end = 0;
  private eof = false;

  constructor(readonly path: string, maxFields: number) {
    this.fields = new Float64Array(maxFields);
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
      const count = this.parseLine();
      if (count >= 0) return count;
      this.fill();
    }
  }

  /** Moves the unread bytes to the front and reads more after them. */
  private fill(): void {
    const rest = this.end - this.start;
    if (rest === this.buffer.length) {
      const bigger = new Uint8Array(this.buffer.length * 2);
      bigger.set(this.buffer.subarray(this.start, this.end));
      this.buffer = bigger;
    } else this.buffer.copyWithin(0, this.start, this.end);
    this.start = 0;
    this.end = rest;
    const n = this.file.readSync(this.buffer.subarray(this.end));
    if (n === null) this.eof = true;
    else this.end += n;
  }

  /**
   * Parses the line at `start` in one pass and moves past it; -1 when the buffer ends before the
   * line does (and more is to come), with nothing consumed.
   */
  private parseLine(): number {
    const b = this.buffer, fields = this.fields, end = this.end, max = fields.length;
    let i = this.start, count = 0;
    for (;;) {
      let c = i < end ? b[i] : NEWLINE;
      const negative = c === MINUS;
      if (negative) c = ++i < end ? b[i] : NEWLINE;
      let value = 0, digits = 0;
      while (c >= ZERO && c <= ZERO + 9) {
        value = value * 10 + (c - ZERO);
        digits++;
        c = ++i < end ? b[i] : NEWLINE;
      }
      if (c === DOT) {
        let fraction = 0, scale = 1;
        c = ++i < end ? b[i] : NEWLINE;
        while (c >= ZERO && c <= ZERO + 9) {
          fraction = fraction * 10 + (c - ZERO);
          scale *= 10;
          digits++;
          c = ++i < end ? b[i] : NEWLINE;
        }
        value += fraction / scale;
      }
      if (i >= end && !this.eof) return -1;
      if (c === CR && (i + 1 >= end ? this.eof : b[i + 1] === NEWLINE)) c = b[++i] ?? NEWLINE;
      if (digits === 0 || (c !== COMMA && c !== NEWLINE)) {
        this.line++;
        this.fail(`field ${count + 1} is not a number`);
      }
      if (count === max) {
        this.line++;
        this.fail(`more than ${max - 1} fields`);
      }
      fields[count++] = negative ? -value : value;
      i++;
      if (c === NEWLINE) break;
    }
    this.start = i;
    this.line++;
    return count;
  }
}
