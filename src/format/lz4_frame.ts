import { compressBound, Lz4BlockCompressor } from "./lz4_block.ts";

const MAGIC = 0x184d2204;
/** FLG: version 01, independent blocks, no checksums, no content size. */
const FLG = 0x60;
/** BD: 64 KiB maximum block size. */
const BD = 0x40;
/**
 * HC: the second byte of the descriptor's xxh32 (of FLG and BD, so fixed as they are). Not computed:
 * the hash's module costs a worker 16-24 ms to load, a twentieth of a generated day.
 */
const HC = 0x82;
const BLOCK_MAX = 64 * 1024;

const compressor = new Lz4BlockCompressor();
const scratch = new Uint8Array(compressBound(BLOCK_MAX));
/** Room for the largest frame so far: a frame is built here, then copied out at its size. */
let frameRoom = new Uint8Array(0);

/** The most bytes an LZ4 frame of `n` bytes can take. */
export function frameBound(n: number): number {
  return 7 + Math.ceil(n / BLOCK_MAX) * 4 + compressBound(n) + 4;
}

/** Compresses `src` into one LZ4 frame (the format Kafka's lz4 codec carries). */
export function compressFrame(src: Uint8Array): Uint8Array {
  const bound = frameBound(src.length);
  if (frameRoom.length < bound) frameRoom = new Uint8Array(bound);
  return frameRoom.slice(0, compressFrameInto(src, frameRoom));
}

/**
 * Compresses `src` into one LZ4 frame at the start of `out` (at least `frameBound(src.length)`
 * long); returns the frame's size.
 */
export function compressFrameInto(src: Uint8Array, out: Uint8Array): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(0, MAGIC, true);
  out[4] = FLG;
  out[5] = BD;
  out[6] = HC;
  let op = 7;
  for (let start = 0; start < src.length; start += BLOCK_MAX) {
    const block = src.subarray(start, Math.min(start + BLOCK_MAX, src.length));
    const size = compressor.compress(block, block.length, scratch);
    if (size < block.length) {
      view.setUint32(op, size, true);
      out.set(scratch.subarray(0, size), op + 4);
      op += 4 + size;
    } else {
      view.setUint32(op, 0x80000000 | block.length, true);
      out.set(block, op + 4);
      op += 4 + block.length;
    }
  }
  view.setUint32(op, 0, true);
  return op + 4;
}
