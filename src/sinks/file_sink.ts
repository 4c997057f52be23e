import type { EventRecord } from "../core/events.ts";
import { ChunkBuffer } from "../format/writer.ts";
import { LocalChunkTarget } from "./chunk_target.ts";
import type { ChunkTarget } from "./chunk_target.ts";
import type { ChunkFollower, SessionInfo, Sink, SinkReport } from "./sink.ts";

/**
 * Writes each session to its `.qrsdp` file under the run directory. A `follower` has every full
 * chunk's records before they are written, and the last, partial one at the session's end: it
 * may hold the generator back as `append` does.
 */
export class FileSink implements Sink {
  readonly name = "file";
  private chunk: ChunkBuffer | null = null;
  private appended = 0;
  private sessionRecords = 0;
  private written = 0;

  constructor(
    private readonly runDir: string,
    private readonly target: ChunkTarget = new LocalChunkTarget(),
    private readonly follower?: ChunkFollower,
  ) {}

  beginSession(session: SessionInfo): void {
    const path = `${this.runDir}/${session.file}`;
    Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    const capacity = session.header.chunkCapacity;
    if (this.chunk?.capacity !== capacity) this.chunk = new ChunkBuffer(capacity);
    this.target.open(path, session.header);
    this.sessionRecords = 0;
  }

  append(rec: EventRecord): void | Promise<void> {
    this.appended++;
    this.sessionRecords++;
    if (this.chunk!.push(rec)) return this.write(this.chunk!);
  }

  /** Writes the last, partial chunk, then the index. */
  endSession(): void | Promise<void> {
    const held = this.chunk && this.chunk.count > 0 ? this.write(this.chunk) : undefined;
    this.target.close();
    this.written += this.sessionRecords;
    this.sessionRecords = 0;
    return held;
  }

  private write(chunk: ChunkBuffer): void | Promise<void> {
    const held = this.follower?.appendRecords(chunk.raw, chunk.count);
    this.target.write(chunk);
    return held;
  }

  flush(): void {}

  close(): Promise<SinkReport> {
    return Promise.resolve({
      name: this.name,
      appended: this.appended,
      delivered: this.written,
      failures: 0,
    });
  }
}
