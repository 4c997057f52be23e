import { lz4Instance, memoryOf } from "./wasm/instance.ts";
import type { Lz4Exports } from "./wasm/instance.ts";

/**
 * CRC-32C of whole buffers through the LZ4 module (wasm/lz4.c, many times as fast as crc32c.ts's
 * table): for Kafka record batches, tens of kilobytes each. The bytes are copied into the
 * module's memory first, which costs far less than the table lookups it saves.
 */
export class Crc32cWasm {
  private readonly exports: Lz4Exports = lz4Instance();
  private room = new Uint8Array(0);

  /** CRC-32C of `bytes`, continued from `crc` (0 for a new checksum). */
  of(bytes: Uint8Array, crc = 0): number {
    if (bytes.length > this.room.length) {
      const base = this.exports.__heap_base.value as number;
      const buffer = memoryOf(this.exports.memory, base + bytes.length);
      this.room = new Uint8Array(buffer, base, bytes.length);
    }
    this.room.set(bytes);
    return this.exports.crc32c(crc, this.room.byteOffset, bytes.length) >>> 0;
  }
}
