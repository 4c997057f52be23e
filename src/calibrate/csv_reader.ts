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
    let nl = this.buffer.indexOf(NEWLINE, this.start);
    while ((nl < 0 || nl >= this.end) && !this.eof) {
      this.fill();
      nl = this.buffer.indexOf(NEWLINE, this.start);
    }
    if (nl >= this.end) nl = -1;
    if (this.start >= this.end) return null;
    const lineEnd = nl < 0 ? this.end : nl;
    this.line++;
    const count = this.parse(
      this.start,
      lineEnd > this.start && this.buffer[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd,
    );
    this.start = nl < 0 ? this.end : nl + 1;
    return count;
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

  private parse(from: number, to: number): number {
    const b = this.buffer, fields = this.fields;
    let count = 0, i = from;
    while (i <= to) {
      if (count === fields.length) this.fail(`more than ${fields.length} fields`);
      let negative = false, digits = 0, value = 0, scale = 1;
      if (b[i] === MINUS) {
        negative = true;
        i++;
      }
      while (i < to && b[i] - ZERO >= 0 && b[i] - ZERO <= 9) {
        value = value * 10 + (b[i++] - ZERO);
        digits++;
      }
      if (i < to && b[i] === DOT) {
        i++;
        let fraction = 0;
        while (i < to && b[i] - ZERO >= 0 && b[i] - ZERO <= 9) {
          fraction = fraction * 10 + (b[i++] - ZERO);
          scale *= 10;
          digits++;
        }
        value += fraction / scale;
      }
      if (digits === 0 || (i < to && b[i] !== COMMA)) {
        this.fail(`field ${count + 1} is not a number`);
      }
      fields[count++] = negative ? -value : value;
      i++; // past the comma (or the line's end)
    }
    return count;
  }
}
