import { LZ4_WASM } from "./lz4_wasm.ts";

/** What lz4.c exports; pointers are byte offsets into `memory`. */
export interface Lz4Exports {
  memory: WebAssembly.Memory;
  decode(src: number, srcLen: number, dst: number, dstCap: number): number;
  columns(
    src: number,
    n: number,
    ts: number,
    order: number,
    price: number,
    qty: number,
    type: number,
    side: number,
  ): void;
  compress(src: number, n: number, dst: number): number;
  tally(src: number, n: number, prevTs: number, mix: number): number;
  /** CRC-32C continued from `crc` over `n` bytes at `at`; a signed 32-bit result. */
  crc32c(crc: number, at: number, n: number): number;
  /** The first byte past the module's own data: free for buffers from here on. */
  __heap_base: WebAssembly.Global;
}

const PAGE = 65536;
let compiled: WebAssembly.Module | null = null;

/** A new instance of lz4.c, with a linear memory of its own. */
export function lz4Instance(): Lz4Exports {
  if (!compiled) {
    // Not atob with a callback per byte: that took 1.5 ms of every start.
    const bytes = Uint8Array.fromBase64(LZ4_WASM);
    compiled = new WebAssembly.Module(bytes);
  }
  return new WebAssembly.Instance(compiled, {}).exports as unknown as Lz4Exports;
}

/** Grows `memory` to at least `bytes`; returns its buffer (a new one when it grew). */
export function memoryOf(memory: WebAssembly.Memory, bytes: number): ArrayBuffer {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
  return memory.buffer as ArrayBuffer;
}
