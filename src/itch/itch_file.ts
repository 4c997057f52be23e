import { compactDate } from "./feed_day.ts";
import type { FeedOutput } from "./feed_output.ts";

/** The daily file's name (itch.md "Files"). */
export function itchFileName(date: string, gzip: boolean): string {
  return `${compactDate(date)}.qrsdp_ITCH50${gzip ? ".gz" : ""}`;
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await file.write(bytes.subarray(at));
}

/** A file that could not be written, with the path and the cause. */
export class ItchFileError extends Error {
  override name = "ItchFileError";
}

/**
 * Writes one ITCH 5.0 file per trading date into `dir`: the length-prefixed messages and nothing
 * else, gzip-compressed when asked. A day is written to a hidden temporary file and renamed when
 * complete, so a file of that name is always whole.
 */
export class ItchFileOutput implements FeedOutput {
  private file: Deno.FsFile | null = null;
  private gz: { writer: WritableStreamDefaultWriter<BufferSource>; done: Promise<void> } | null =
    null;
  private writing: Promise<void> = Promise.resolve();
  private tmp = "";
  private path = "";
  private offset = 0;
  readonly written: string[] = [];

  constructor(private readonly dir: string, private readonly gzip: boolean) {}

  beginDay(date: string): void {
    const name = itchFileName(date, this.gzip);
    this.path = `${this.dir}/${name}`;
    this.tmp = `${this.dir}/.${name}.tmp`;
    this.offset = 0;
    this.file = this.guard(() =>
      Deno.openSync(this.tmp, { write: true, create: true, truncate: true })
    );
    if (this.gzip) {
      const cs = new CompressionStream("gzip");
      this.gz = { writer: cs.writable.getWriter(), done: cs.readable.pipeTo(this.file.writable) };
    }
  }

  async write(framed: Uint8Array): Promise<void> {
    if (this.gz) {
      await this.guardAsync(async () => {
        await this.gz!.writer.ready;
        await this.gz!.writer.write(framed.slice());
      });
    } else {
      // One write in flight, overlapping the making of the next batch (FeedOutput.write: the
      // bytes stay as they are until the next call, which waits for this write).
      await this.guardAsync(() => this.writing);
      this.writing = writeAll(this.file!, framed);
    }
    this.offset += framed.length;
  }

  async endDay(): Promise<void> {
    if (this.gz) {
      const gz = this.gz;
      this.gz = null;
      await this.guardAsync(async () => {
        await gz.writer.close();
        await gz.done;
      });
    } else {
      await this.guardAsync(() => this.writing);
      this.guard(() => this.file!.close());
    }
    this.file = null;
    this.guard(() => Deno.renameSync(this.tmp, this.path));
    this.written.push(this.path);
  }

  abort(): void {
    if (!this.tmp) return;
    try {
      if (this.gz) this.gz.writer.abort().catch(() => {});
      else this.file?.close();
    } catch {
      // Already closed.
    }
    this.gz = null;
    this.file = null;
    this.writing.catch(() => {});
    this.writing = Promise.resolve();
    try {
      Deno.removeSync(this.tmp);
    } catch {
      // Never created.
    }
    this.tmp = "";
  }

  close(): void {}

  private fail(e: unknown): never {
    const at = this.offset > 0 ? `: byte ${this.offset}` : "";
    throw new ItchFileError(`${this.path}${at}: cannot write (${(e as Error).message})`);
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      this.fail(e);
    }
  }

  private async guardAsync(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.fail(e);
    }
  }
}
