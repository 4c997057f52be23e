/**
 * kafkajs's LZ4 codec (it has none of its own; importing this module registers ours): what the
 * consumer needs to read our batches, and kafkajs's own producers (the platform's commands) to
 * write theirs.
 */
import { Buffer } from "node:buffer";
import { CompressionCodecs, CompressionTypes } from "kafkajs";
import lz4 from "lz4js";
import { compressFrame } from "../format/lz4_frame.ts";

const codec = () => ({
  compress: (encoder: { buffer: Buffer }) => {
    const frame = compressFrame(new Uint8Array(encoder.buffer));
    return Promise.resolve(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
  },
  decompress: (buffer: Buffer) => Promise.resolve(Buffer.from(lz4.decompress(buffer))),
});

CompressionCodecs[CompressionTypes.LZ4] = codec;
