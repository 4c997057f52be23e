import { RECORD_SIZE } from "./record.ts";
import { lz4Instance, memoryOf } from "./wasm/instance.ts";
import type { Lz4Exports } from "./wasm/instance.ts";

/** Bytes the decoder may read past the end of its input (wild 16-byte literal copies). */
const INPUT_SLACK = 16;

/** Decoders given back, for the next reader: a new one costs more than a small file's read. */
const released: Lz4BlockDecoder[] = [];
const KEEP_RELEASED = 4;

/** A chunk's records split into fields; entry i is record i. */
export interface RecordColumns {
  tsNs: Float64Array;
  orderId: Float64Array;
  priceTicks: Int32Array;
  qty: Uint32Array;
  type: Uint8Array;
  side: Uint8Array;
}

/**
 * LZ4 block decompression in WebAssembly (wasm/lz4.c), 4-5 times lz4js's speed on our chunks.
 * Each decoder owns a linear memory holding one input block, one output block and the output's
 * records split into columns, so readers never share buffers; `input`, `output` and `cols` are
 * views into it, valid until the next `reserve`.
 */
export class Lz4BlockDecoder {
  private readonly exports: Lz4Exports;
  private readonly base: number;
  private readonly tallyAt: number;
  private inputCap = 0;
  private outputCap = 0;
  input = new Uint8Array(0);
  output = new Uint8Array(0);
  cols: RecordColumns = columnViews(new ArrayBuffer(0), 0, 0);

  /** A decoder given back earlier, or a new one. */
  static acquire(): Lz4BlockDecoder {
    return released.pop() ?? new Lz4BlockDecoder();
  }

  /** Gives the decoder back for reuse; its owner must not use it any more. */
  release(): void {
    if (released.length < KEEP_RELEASED && !released.includes(this)) released.push(this);
  }

  constructor() {
    this.exports = lz4Instance();
    // The tally's six counters come first, then the buffers.
    this.tallyAt = this.exports.__heap_base.value as number;
    this.base = this.tallyAt + 32;
  }

  /**
   * Makes room for an input block of `inputBytes` and an output of `outputBytes`. The input's
   * contents survive; the output's need not.
   */
  reserve(inputBytes: number, outputBytes: number): void {
    if (inputBytes <= this.inputCap && outputBytes <= this.outputCap) return;
    const inputCap = Math.max(inputBytes, this.inputCap);
    const records = Math.ceil(Math.max(outputBytes, this.outputCap) / RECORD_SIZE);
    const outputCap = records * RECORD_SIZE;
    const output = this.base + inputCap + INPUT_SLACK;
    const columns = align8(output + outputCap);
    const end = columns + records * RECORD_SIZE + 8;
    const buffer = memoryOf(this.exports.memory, end);
    this.inputCap = inputCap;
    this.outputCap = outputCap;
    this.input = new Uint8Array(buffer, this.base, inputCap);
    this.output = new Uint8Array(buffer, output, outputCap);
    this.cols = columnViews(buffer, columns, records);
  }

  /**
   * Decodes `input[from, from + length)` into `output[0, outputBytes)`. Returns the decoded size,
   * or `-1 - p` when the block is malformed at its byte `p`: nothing is written outside `output`.
   */
  decode(from: number, length: number, outputBytes: number): number {
    if (from < 0 || from + length > this.inputCap || outputBytes > this.outputCap) {
      throw new RangeError("block or output outside the reserved buffers");
    }
    return this.exports.decode(
      this.input.byteOffset + from,
      length,
      this.output.byteOffset,
      outputBytes,
    );
  }

  /** CRC-32C of `input[from, to)`, continued from `crc` (crc32c.ts gives the same). */
  checksum(crc: number, from: number, to: number): number {
    if (from < 0 || from > to || to > this.inputCap) throw new RangeError("outside the input");
    return this.exports.crc32c(crc, this.input.byteOffset + from, to - from) >>> 0;
  }

  /**
   * Checks the first `n` records of `output`: timestamps never below `prevTsNs` nor their
   * predecessor's, type 0..5, side 0..2. When all pass, adds their types to `mix` and returns -1;
   * else returns the index of the first that fails.
   */
  tally(n: number, prevTsNs: number, mix: TypeCounts): number {
    if (n * RECORD_SIZE > this.outputCap) throw new RangeError("more records than the output");
    const counts = new Uint32Array(this.exports.memory.buffer, this.tallyAt, 6);
    counts.fill(0);
    const bad = this.exports.tally(this.output.byteOffset, n, prevTsNs, counts.byteOffset);
    if (bad < 0) { for (let t = 0; t < 6; t++) mix[t] += counts[t]; }
    return bad;
  }

  /** Splits the first `n` records of `output` into `cols`. */
  split(n: number): RecordColumns {
    const c = this.cols;
    if (n > c.type.length) throw new RangeError("more records than the reserved columns");
    this.exports.columns(
      this.output.byteOffset,
      n,
      c.tsNs.byteOffset,
      c.orderId.byteOffset,
      c.priceTicks.byteOffset,
      c.qty.byteOffset,
      c.type.byteOffset,
      c.side.byteOffset,
    );
    return c;
  }
}

/** Counts of each event type 0..5, summed over the records `tally` accepted. */
export type TypeCounts = number[];

function align8(n: number): number {
  return (n + 7) & ~7;
}

function columnViews(buffer: ArrayBuffer, at: number, n: number): RecordColumns {
  const tsNs = new Float64Array(buffer, at, n);
  const orderId = new Float64Array(buffer, at + 8 * n, n);
  const priceTicks = new Int32Array(buffer, at + 16 * n, n);
  const qty = new Uint32Array(buffer, at + 20 * n, n);
  const type = new Uint8Array(buffer, at + 24 * n, n);
  const side = new Uint8Array(buffer, at + 25 * n, n);
  return { tsNs, orderId, priceTicks, qty, type, side };
}
