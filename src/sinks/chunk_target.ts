import type { FileHeader } from "../format/header.ts";
import { QrsdpWriter } from "../format/writer.ts";
import type { ChunkBuffer } from "../format/writer.ts";
import { RECORD_SIZE } from "../format/record.ts";

/**
 * Where a file sink's full chunks go: compressed and written in this thread, or handed to
 * another thread that does it (a spare core).
 */
export interface ChunkTarget {
  open(path: string, header: FileHeader): void;
  /** Takes the chunk's records; the chunk is empty (and may hold a new buffer) afterwards. */
  write(chunk: ChunkBuffer): void;
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

/** Each file written here or handed away (`away`), as chosen before it opens. */
export class ChoosingChunkTarget implements ChunkTarget {
  away = false;
  private current: ChunkTarget;

  constructor(private readonly here: ChunkTarget, private readonly elsewhere: ChunkTarget) {
    this.current = here;
  }

  open(path: string, header: FileHeader): void {
    this.current = this.away ? this.elsewhere : this.here;
    this.current.open(path, header);
  }

  write(chunk: ChunkBuffer): void {
    this.current.write(chunk);
  }

  close(): void {
    this.current.close();
  }
}

/**
 * Chunks travel between threads in slots of one shared buffer, so nothing is copied or
 * transferred, and a slot comes back without a message: the writing thread clears the slot's
 * busy flag. Handing buffers back by message cost a wait of one event-loop turn per chunk (the
 * generating thread never yields otherwise), 13-20 ms of a generated day.
 */
export interface ChunkSlots {
  /** The slots, `slotBytes` each. */
  data: SharedArrayBuffer;
  /** Int32 per slot: 1 while the writing thread has it. */
  busy: SharedArrayBuffer;
  slotBytes: number;
}

export type ChunkMessage =
  | { kind: "open"; id: string; path: string; header: FileHeader; slots: ChunkSlots }
  | { kind: "chunk"; id: string; slot: number; count: number; first: number; last: number }
  | { kind: "close"; id: string };

/** Slots per file sink: enough to keep both threads busy, and no more. */
const POOL_SIZE = 4;

function slotView(slots: ChunkSlots, slot: number, bytes = slots.slotBytes): Uint8Array {
  return new Uint8Array(slots.data, slot * slots.slotBytes, bytes);
}

/** Posts chunks to the thread that writes them; blocks while the next slot is still busy. */
export class RemoteChunkTarget implements ChunkTarget {
  private readonly slots: ChunkSlots;
  private readonly busy: Int32Array;
  private readonly views: Uint8Array[] = [];
  private slot = 0;
  private id = "";
  private files = 0;

  constructor(
    private readonly post: (m: ChunkMessage) => void,
    private readonly owner: string,
    slotBytes: number,
  ) {
    this.slots = {
      data: new SharedArrayBuffer(POOL_SIZE * slotBytes),
      busy: new SharedArrayBuffer(POOL_SIZE * 4),
      slotBytes,
    };
    this.busy = new Int32Array(this.slots.busy);
    for (let i = 0; i < POOL_SIZE; i++) this.views.push(slotView(this.slots, i));
  }

  open(path: string, header: FileHeader): void {
    this.id = `${this.owner}/${this.files++}`;
    this.post({ kind: "open", id: this.id, path, header, slots: this.slots });
  }

  write(chunk: ChunkBuffer): void {
    const { raw, count, firstTsNs, lastTsNs } = chunk;
    // The sink's first chunk is in a buffer of its own; every later one is in a slot already.
    const view = this.views[this.slot];
    if (raw !== view) view.set(raw.subarray(0, count * RECORD_SIZE));
    Atomics.store(this.busy, this.slot, 1);
    this.post({
      kind: "chunk",
      id: this.id,
      slot: this.slot,
      count,
      first: firstTsNs,
      last: lastTsNs,
    });
    this.slot = (this.slot + 1) % POOL_SIZE;
    Atomics.wait(this.busy, this.slot, 1);
    chunk.reset(this.views[this.slot]);
  }

  close(): void {
    this.post({ kind: "close", id: this.id });
  }
}

interface HostedFile {
  /** Null once the file failed: its chunks are dropped, but their slots are still freed. */
  writer: QrsdpWriter | null;
  path: string;
  slots: ChunkSlots;
  busy: Int32Array;
}

/**
 * The writing side of `RemoteChunkTarget`: one writer per open file; every slot is freed once
 * handled, written or not. A file that fails is reported once (the error is thrown) and its
 * later chunks are dropped.
 */
export class ChunkWriterHost {
  private readonly files = new Map<string, HostedFile>();
  /** The paths of the files that failed: incomplete, whatever their writer says. */
  readonly failed = new Set<string>();

  handle(m: ChunkMessage): void {
    if (m.kind === "open") {
      const file: HostedFile = {
        writer: null,
        path: m.path,
        slots: m.slots,
        busy: new Int32Array(m.slots.busy),
      };
      this.files.set(m.id, file);
      try {
        file.writer = QrsdpWriter.create(m.path, m.header);
      } catch (e) {
        this.failed.add(m.path);
        throw e;
      }
      return;
    }
    const file = this.files.get(m.id)!;
    try {
      if (m.kind === "chunk") {
        file.writer?.writeChunk(
          slotView(file.slots, m.slot, m.count * RECORD_SIZE),
          m.count,
          m.first,
          m.last,
        );
      } else file.writer?.close();
    } catch (e) {
      file.writer?.abandon();
      file.writer = null;
      this.failed.add(file.path);
      throw e;
    } finally {
      if (m.kind === "chunk") {
        Atomics.store(file.busy, m.slot, 0);
        Atomics.notify(file.busy, m.slot);
      } else this.files.delete(m.id);
    }
  }
}
