import { DataError } from "../core/errors.ts";
import { openForReading } from "../core/safe_read.ts";
import { memoryOf } from "../format/wasm/instance.ts";
import { CSV_ROWS_WASM } from "./wasm/csv_rows_wasm.ts";

/** What csv_rows.c exports; addresses are byte offsets into `memory`. */
interface CsvRowsExports {
  memory: WebAssembly.Memory;
  setup(base: number, fields: number, offsets: number, state: number, max: number): void;
  row(start: number, previous: number, count: number, end: number, eof: number): number;
  skip(start: number, end: number, n: number, eof: number): number;
  __heap_base: WebAssembly.Global;
}

const CHUNK = 1 << 20;
/** Read more when fewer bytes than this are left unread (a line longer than it still works). */
const LOW = 1 << 16;
/** Bytes past the buffer's end that the module may read (16 at a time). */
const SLACK = 32;
const NEWLINE = 10, NEED_MORE = -1, TOO_MANY = -2, NOT_A_NUMBER = -3;

let compiled: WebAssembly.Module | null = null;

/** The last line read: its fields, and which of them may differ from the line before. */
export interface ChangedRow {
  readonly fields: Float64Array;
  /** The fields that may differ from the line before: [changedFrom, changedTo). */
  readonly changedFrom: number;
  readonly changedTo: number;
  fail(detail: string): never;
}

/**
 * Reads a file of comma-separated numbers whose lines mostly repeat the line before them (a
 * LOBSTER orderbook file), in constant memory: `next` says how many fields the next line has
 * (null at the end) and leaves them in `fields`. Each line is compared with the one before from
 * both ends and only the fields in between are parsed, by a WebAssembly module (csv_rows.c);
 * the others keep their values. Every byte is still checked: it is a copy of a byte of a field
 * already parsed, or it is parsed. Numbers are those CsvReader reads; anything else is an error
 * naming the line.
 */
export class RepeatingCsvReader implements ChangedRow {
  /** 1-based number of the line last read. */
  line = 0;
  fields!: Float64Array;
  changedFrom = 0;
  changedTo = 0;
  private readonly file: Deno.FsFile;
  private readonly wasm: CsvRowsExports;
  private state!: Int32Array;
  private readonly at: { fields: number; offsets: number; state: number; buffer: number };
  /** The buffer is bytes [at.buffer, at.buffer + capacity) of memory; unread are [start, end). */
  private bytes: Uint8Array;
  private capacity = CHUNK;
  private start: number;
  private end: number;
  private eof = false;
  /** Where the previous line begins (kept in the buffer), -1 before the first; its field count. */
  private previous = -1;
  private count = 0;

  constructor(readonly path: string, private readonly maxFields: number) {
    this.file = openForReading(path);
    compiled ??= new WebAssembly.Module(Uint8Array.fromBase64(CSV_ROWS_WASM));
    this.wasm = new WebAssembly.Instance(compiled, {}).exports as unknown as CsvRowsExports;
    const fields = (this.wasm.__heap_base.value as number + 15) & ~15;
    const offsets = fields + 8 * maxFields;
    const state = offsets + 4 * (maxFields + 1);
    this.at = { fields, offsets, state, buffer: (state + 12 + 15) & ~15 };
    this.wasm.setup(0, fields, offsets, state, maxFields);
    this.start = this.end = this.at.buffer;
    this.bytes = this.views();
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
      const n = this.wasm.row(
        this.start,
        this.previous,
        this.count,
        this.end,
        this.eof ? 1 : 0,
      );
      if (n >= 0) {
        const state = this.state;
        this.previous = this.start;
        this.start = state[0];
        this.changedFrom = state[1];
        this.changedTo = state[2];
        this.count = n;
        this.line++;
        return n;
      }
      if (n === NEED_MORE) this.fill();
      else {
        this.line++;
        this.fail(
          n === TOO_MANY
            ? `more than ${this.maxFields - 1} fields`
            : `field ${NOT_A_NUMBER - n + 1} is not a number`,
        );
      }
    }
  }

  /** Moves past the next `n` lines unread (fewer at the end of the file). */
  skip(n: number): void {
    this.previous = -1; // the line after those is parsed afresh
    while (n > 0 && !(this.start >= this.end && this.eof)) {
      if (this.end - this.start < LOW && !this.eof) this.fill();
      const k = this.wasm.skip(this.start, this.end, n, this.eof ? 1 : 0);
      this.start = this.state[0];
      this.line += k;
      n -= k;
      if (k === 0) {
        if (this.eof) return;
        this.fill();
      }
    }
  }

  /** Memory as bytes, grown to hold the buffer, and the fields and state views into it. */
  private views(): Uint8Array {
    const buffer = memoryOf(this.wasm.memory, this.at.buffer + this.capacity + SLACK);
    this.fields = new Float64Array(buffer, this.at.fields, this.maxFields);
    this.state = new Int32Array(buffer, this.at.state, 3);
    return new Uint8Array(buffer);
  }

  /** Moves the unread bytes and the previous line to the front and reads more. */
  private fill(): void {
    const base = this.at.buffer;
    const keep = this.previous >= 0 ? this.previous : this.start;
    const rest = this.end - keep;
    if (rest + LOW >= this.capacity) {
      this.capacity *= 2;
      this.bytes = this.views();
    }
    this.bytes.copyWithin(base, keep, this.end);
    const shift = keep - base;
    this.start -= shift;
    if (this.previous >= 0) this.previous -= shift;
    this.end = base + rest;
    const n = this.file.readSync(this.bytes.subarray(this.end, base + this.capacity - 1));
    if (n === null) this.eof = true;
    else this.end += n;
    this.bytes[this.end] = NEWLINE;
  }
}
