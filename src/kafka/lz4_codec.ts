import { Buffer } from "node:buffer";
import { CompressionCodecs, CompressionTypes } from "kafkajs";
import { compressFrame, decompressFrame } from "../format/lz4_frame.ts";

// kafkajs has no LZ4 codec of its own: this registers ours (importing the module is enough).
CompressionCodecs[CompressionTypes.LZ4] = () => ({
  compress: (encoder: { buffer: Buffer }) => {
    const frame = compressFrame(new Uint8Array(encoder.buffer));
    return Promise.resolve(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
  },
  decompress: (buffer: Buffer) => Promise.resolve(Buffer.from(decompressFrame(buffer))),
});
