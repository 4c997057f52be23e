import type { FileHeader } from "../format/header.ts";
import { QrsdpWriter } from "../format/writer.ts";
import type { ChunkBuffer } from "../format/writer.ts";

/**
 * Where a file sink's full chunks go: compressed and written in this thread, or handed to
 * another thread that does it (a spare core), with buffers coming back as it finishes them.
 */
export interface ChunkTarget {
  open(path: string, header: FileHeader): void;
  /** Takes the chunk's records; the chunk is empty (and may hold a new buffer) afterwards. */
  write(chunk: ChunkBuffer): void | Promise<void>;
  close(): void;
}

export class LocalChunkTarget implements ChunkTarget {
  private writer: QrsdpWriter | null = null;

  open(path: string, header: FileHeader): void {
    this.writer = QrsdpWriter.create(path, header);
  }

  write(chunk: ChunkBuffer): void {
    try {
      this.writer!.writeChunk(chunk.raw, chunk.count, chunk.firstTsNs, chunk.lastTsNs);
    } catch (e) {
      this.writer!.abandon();
      throw e;
    } finally {
      chunk.reset();
    }
  }

  close(): void {
    const writer = this.writer;
    this.writer = null;
    writer?.close();
  }
}

export type ChunkMessage =
  | { kind: "open"; id: string; path: string; header: FileHeader }
  | { kind: "chunk"; id: string; raw: Uint8Array; count: number; first: number; last: number }
  | { kind: "close"; id: string };

/** Buffers in circulation per file sink: enough to keep both threads busy, and no more. */
const POOL_SIZE = 4;

/** Posts chunks to the thread that writes them; waits for a buffer when all are out. */
export class RemoteChunkTarget implements ChunkTarget {
  private readonly free: Uint8Array[] = [];
  private waiting: (() => void) | null = null;
  private id = "";
  private files = 0;

  constructor(
    private readonly post: (m: ChunkMessage, transfer?: Transferable[]) => void,
    private readonly owner: string,
    chunkBytes: number,
  ) {
    for (let i = 1; i < POOL_SIZE; i++) this.free.push(new Uint8Array(chunkBytes));
  }

  /** A buffer the writing thread has finished with. */
  release(raw: Uint8Array): void {
    this.free.push(raw);
    this.waiting?.();
    this.waiting = null;
  }

  open(path: string, header: FileHeader): void {
    this.id = `${this.owner}/${this.files++}`;
    this.post({ kind: "open", id: this.id, path, header });
  }

  write(chunk: ChunkBuffer): void | Promise<void> {
    const { raw, count, firstTsNs, lastTsNs } = chunk;
    this.post({ kind: "chunk", id: this.id, raw, count, first: firstTsNs, last: lastTsNs }, [
      raw.buffer as ArrayBuffer,
    ]);
    const next = this.free.pop();
    if (next) return chunk.reset(next);
    return new Promise<void>((resolve) => {
      this.waiting = () => {
        chunk.reset(this.free.pop()!);
        resolve();
      };
    });
  }

  close(): void {
    this.post({ kind: "close", id: this.id });
  }
}

/**
 * The writing side of `RemoteChunkTarget`: one writer per open file, buffers sent back. A file
 * that fails is reported once (the error is thrown) and its later chunks are dropped.
 */
export class ChunkWriterHost {
  private readonly writers = new Map<string, QrsdpWriter>();

  handle(m: ChunkMessage, giveBack: (raw: Uint8Array) => void): void {
    if (m.kind === "open") {
      this.writers.set(m.id, QrsdpWriter.create(m.path, m.header));
      return;
    }
    const writer = this.writers.get(m.id);
    try {
      if (m.kind === "chunk") writer?.writeChunk(m.raw, m.count, m.first, m.last);
      else writer?.close();
    } catch (e) {
      writer?.abandon();
      this.writers.delete(m.id);
      throw e;
    } finally {
      if (m.kind === "chunk") giveBack(m.raw);
      else this.writers.delete(m.id);
    }
  }
}
