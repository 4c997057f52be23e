import type { EventRecord } from "../format/record.ts";
import { QrsdpWriter } from "../format/writer.ts";
import type { WriterStats } from "../format/writer.ts";
import type { SessionInfo, Sink, SinkReport } from "./sink.ts";

export interface FileSessionReport extends WriterStats {
  session: SessionInfo;
}

/** Writes each session to its `.qrsdp` file under the run directory. */
export class FileSink implements Sink {
  readonly name = "file";
  private writer: QrsdpWriter | null = null;
  private session: SessionInfo | null = null;
  private appended = 0;
  private bytes = 0;
  readonly completed: FileSessionReport[] = [];

  constructor(private readonly runDir: string) {}

  beginSession(session: SessionInfo): void {
    const path = `${this.runDir}/${session.file}`;
    const dir = path.slice(0, path.lastIndexOf("/"));
    Deno.mkdirSync(dir, { recursive: true });
    this.writer = QrsdpWriter.create(path, session.header);
    this.session = session;
  }

  append(rec: EventRecord): void {
    this.writer!.append(rec);
    this.appended++;
  }

  endSession(): void {
    if (!this.writer) return;
    const stats = this.writer.close();
    this.bytes += stats.bytes;
    this.completed.push({ ...stats, session: this.session! });
    this.writer = null;
    this.session = null;
  }

  flush(): void {}

  close(): Promise<SinkReport> {
    this.endSession();
    const delivered = this.completed.reduce((n, s) => n + s.records, 0);
    return Promise.resolve({
      name: this.name,
      appended: this.appended,
      delivered,
      failures: 0,
      detail: `${this.bytes} bytes`,
    });
  }
}
