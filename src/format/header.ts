import { DataError } from "../core/errors.ts";
import { readU64, RECORD_SIZE, writeU64 } from "./record.ts";

export const MAGIC = "QRSDPLOG";
export const HEADER_SIZE = 64;
export const CHUNK_HEADER_SIZE = 32;
export const INDEX_ENTRY_SIZE = 32;
export const INDEX_TAIL_SIZE = 16;
export const INDEX_MAGIC = "QIDX";
export const VERSION_MAJOR = 1;
export const VERSION_MINOR = 0;
export const FLAG_HAS_INDEX = 1;
export const HEADER_FLAGS_OFFSET = 52;

export interface FileHeader {
  versionMajor: number;
  versionMinor: number;
  recordSize: number;
  seed: bigint;
  p0Ticks: number;
  tickSize: number;
  sessionSeconds: number;
  levelsPerSide: number;
  initialSpreadTicks: number;
  initialDepth: number;
  chunkCapacity: number;
  headerFlags: number;
  marketOpenNs: number;
}

export function encodeHeader(h: FileHeader): Uint8Array {
  const bytes = new Uint8Array(HEADER_SIZE);
  const v = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  v.setUint16(8, h.versionMajor, true);
  v.setUint16(10, h.versionMinor, true);
  v.setUint32(12, h.recordSize, true);
  v.setBigUint64(16, h.seed, true);
  v.setInt32(24, h.p0Ticks, true);
  v.setUint32(28, h.tickSize, true);
  v.setUint32(32, h.sessionSeconds, true);
  v.setUint32(36, h.levelsPerSide, true);
  v.setUint32(40, h.initialSpreadTicks, true);
  v.setUint32(44, h.initialDepth, true);
  v.setUint32(48, h.chunkCapacity, true);
  v.setUint32(HEADER_FLAGS_OFFSET, h.headerFlags, true);
  writeU64(v, 56, h.marketOpenNs);
  return bytes;
}

/** Decodes and validates a header; `source` names the file in errors. */
export function decodeHeader(bytes: Uint8Array, source: string): FileHeader {
  if (bytes.length < HEADER_SIZE) {
    throw new DataError(
      `file is ${bytes.length} bytes, shorter than the ${HEADER_SIZE}-byte header`,
      { source },
    );
  }
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MAGIC) {
    throw new DataError(`magic is ${JSON.stringify(magic)}, not "${MAGIC}"`, { source, offset: 0 });
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, HEADER_SIZE);
  const h: FileHeader = {
    versionMajor: v.getUint16(8, true),
    versionMinor: v.getUint16(10, true),
    recordSize: v.getUint32(12, true),
    seed: v.getBigUint64(16, true),
    p0Ticks: v.getInt32(24, true),
    tickSize: v.getUint32(28, true),
    sessionSeconds: v.getUint32(32, true),
    levelsPerSide: v.getUint32(36, true),
    initialSpreadTicks: v.getUint32(40, true),
    initialDepth: v.getUint32(44, true),
    chunkCapacity: v.getUint32(48, true),
    headerFlags: v.getUint32(HEADER_FLAGS_OFFSET, true),
    marketOpenNs: readU64(v, 56),
  };
  if (h.versionMajor !== VERSION_MAJOR) {
    throw new DataError(
      `version_major is ${h.versionMajor}, this reader knows ${VERSION_MAJOR}`,
      { source, offset: 8 },
    );
  }
  if (h.recordSize !== RECORD_SIZE) {
    throw new DataError(
      `record_size is ${h.recordSize}, this reader reads ${RECORD_SIZE}`,
      { source, offset: 12 },
    );
  }
  return h;
}

export interface ChunkHeader {
  uncompressedSize: number;
  compressedSize: number;
  recordCount: number;
  chunkFlags: number;
  firstTsNs: number;
  lastTsNs: number;
}

export function encodeChunkHeader(c: ChunkHeader, view: DataView, offset: number): void {
  view.setUint32(offset, c.uncompressedSize, true);
  view.setUint32(offset + 4, c.compressedSize, true);
  view.setUint32(offset + 8, c.recordCount, true);
  view.setUint32(offset + 12, c.chunkFlags, true);
  writeU64(view, offset + 16, c.firstTsNs);
  writeU64(view, offset + 24, c.lastTsNs);
}

export function decodeChunkHeader(view: DataView, offset: number): ChunkHeader {
  return {
    uncompressedSize: view.getUint32(offset, true),
    compressedSize: view.getUint32(offset + 4, true),
    recordCount: view.getUint32(offset + 8, true),
    chunkFlags: view.getUint32(offset + 12, true),
    firstTsNs: readU64(view, offset + 16),
    lastTsNs: readU64(view, offset + 24),
  };
}

/** One chunk's entry in the index footer. */
export interface IndexEntry {
  fileOffset: number;
  firstTsNs: number;
  lastTsNs: number;
  recordCount: number;
  /** 0 in format.md; our chunk checksum when the chunk's flags say so (checksum.ts). */
  reserved: number;
}

export function encodeIndexEntry(e: IndexEntry, view: DataView, offset: number): void {
  writeU64(view, offset, e.fileOffset);
  writeU64(view, offset + 8, e.firstTsNs);
  writeU64(view, offset + 16, e.lastTsNs);
  view.setUint32(offset + 24, e.recordCount, true);
  view.setUint32(offset + 28, e.reserved, true);
}

export function decodeIndexEntry(view: DataView, offset: number): IndexEntry {
  return {
    fileOffset: readU64(view, offset),
    firstTsNs: readU64(view, offset + 8),
    lastTsNs: readU64(view, offset + 16),
    recordCount: view.getUint32(offset + 24, true),
    reserved: view.getUint32(offset + 28, true),
  };
}

/** The last 16 bytes of an indexed file: entry count, "QIDX", where the index starts. */
export interface IndexTail {
  entryCount: number;
  magic: string;
  indexOffset: number;
}

export function encodeIndexTail(t: Omit<IndexTail, "magic">, view: DataView, offset: number) {
  view.setUint32(offset, t.entryCount, true);
  new Uint8Array(view.buffer, view.byteOffset + offset + 4, 4).set(
    new TextEncoder().encode(INDEX_MAGIC),
  );
  writeU64(view, offset + 8, t.indexOffset);
}

export function decodeIndexTail(view: DataView, offset: number): IndexTail {
  return {
    entryCount: view.getUint32(offset, true),
    magic: new TextDecoder().decode(
      new Uint8Array(view.buffer, view.byteOffset + offset + 4, 4),
    ),
    indexOffset: readU64(view, offset + 8),
  };
}
