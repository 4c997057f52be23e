import { AtomicFile } from "../core/atomic_file.ts";
import type { EntryKind } from "../core/output_dir.ts";
import { compactDate } from "./feed_day.ts";
import type { FeedOutput } from "./feed_output.ts";

/** The daily file's name (itch.md "Files"). */
export function itchFileName(date: string, gzip: boolean): string {
  return `${compactDate(date)}.qrsdp_ITCH50${gzip ? ".gz" : ""}`;
}

/** What an entry of a feed's folder is (claimOutputDir): our daily files, a day left unfinished. */
export function itchEntryKind(name: string): EntryKind {
  if (/^\d{8}\.qrsdp_ITCH50(\.gz)?$/.test(name)) return "ours";
  return /^\.\d{8}\.qrsdp_ITCH50(\.gz)?\.\d+\.tmp$/.test(name) ? "unfinished" : "foreign";
}

/**
 * Writes one ITCH 5.0 file per trading date into `dir`: the length-prefixed messages and nothing
 * else, gzip-compressed when asked. A day is written under a temporary name and renamed when
 * complete (AtomicFile), so a file of that name is always whole; a write that fails is a
 * WriteError naming the file and the byte.
 */
export class ItchFileOutput implements FeedOutput {
  private file: AtomicFile | null = null;
  private gz: { writer: WritableStreamDefaultWriter<BufferSource>; done: Promise<void> } | null =
    null;
  private writing: Promise<void> = Promise.resolve();
  readonly written: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly gzip: boolean,
    private readonly flag = "--output",
  ) {}

  beginDay(date: string): void {
    const file = AtomicFile.create(`${this.dir}/${itchFileName(date, this.gzip)}`, this.flag);
    this.file = file;
    if (this.gzip) {
      const cs = new CompressionStream("gzip");
      this.gz = { writer: cs.writable.getWriter(), done: cs.readable.pipeTo(file.writable()) };
    }
  }

  async write(framed: Uint8Array): Promise<void> {
    if (this.gz) {
      await this.gz.writer.ready;
      await this.gz.writer.write(framed.slice());
    } else {
      // One write in flight, overlapping the making of the next batch (FeedOutput.write: the
      // bytes stay as they are until the next call, which waits for this write).
      await this.writing;
      this.writing = this.file!.writeAsync(framed);
    }
  }

  async endDay(): Promise<void> {
    if (this.gz) {
      const gz = this.gz;
      this.gz = null;
      await gz.writer.close();
      await gz.done;
    } else await this.writing;
    this.file!.commit();
    this.written.push(this.file!.path);
    this.file = null;
  }

  abort(): void {
    if (!this.file) return;
    this.gz?.writer.abort().catch(() => {});
    this.gz = null;
    this.writing.catch(() => {});
    this.writing = Promise.resolve();
    this.file.abort();
    this.file = null;
  }

  close(): void {}
}
