/**
 * Chunk checksums, our addition to format.md that the C++ reference implementation's reader never sees: chunk_flags
 * bit 0 says the chunk's index entry holds, in its `reserved` field, the CRC-32C of the file
 * header (header_flags read as 0, since they change at close) followed by the chunk's 32-byte
 * header and its compressed bytes. So a changed header fails every chunk, a changed chunk fails
 * its own, and files without the bit (the C++ producer's, ours before) read as before. The chunk
 * part is computed where the chunk lies, in the LZ4 module's memory (Lz4BlockDecoder.checksum,
 * Lz4BlockCompressor.checksum).
 */
import { crc32c } from "./crc32c.ts";
import { HEADER_FLAGS_OFFSET, HEADER_SIZE } from "./header.ts";

export const CHUNK_FLAG_CRC32C = 1;
/** Every chunk_flags bit this reader knows. */
export const KNOWN_CHUNK_FLAGS = CHUNK_FLAG_CRC32C;

const ZERO_FLAGS = new Uint8Array(4);

/** The CRC-32C of the 64-byte file header with header_flags as 0: where chunk checksums start. */
export function headerChecksum(header: Uint8Array): number {
  const c = crc32c(header, 0, 0, HEADER_FLAGS_OFFSET);
  return crc32c(header, crc32c(ZERO_FLAGS, c), HEADER_FLAGS_OFFSET + 4, HEADER_SIZE);
}
