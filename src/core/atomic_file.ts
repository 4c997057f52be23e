import { UsageError, WriteError } from "./errors.ts";
import { FILE_SIZE_LIMIT } from "./file_limit.ts";

/**
 * What is at `path` when it cannot be replaced by an output file: a symbolic link (never written
 * through), a directory, a device, a FIFO or a socket; null when nothing or a regular file is.
 */
export function unreplaceable(path: string): string | null {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    return `not to be checked (${(e as Error).message})`;
  }
  if (info.isSymlink) return "a symbolic link";
  if (info.isFile) return null;
  if (info.isDirectory) return "a directory";
  if (info.isFifo) return "a FIFO";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  if (info.isSocket) return "a socket";
  return "not a regular file";
}

/** Refuses an output path where something that is not a regular file already is. */
export function checkReplaceable(path: string, flag?: string): void {
  const what = unreplaceable(path);
  if (what) {
    throw new UsageError(
      `${flag ? `${flag}: ` : ""}${path} is ${what}; an output replaces only a regular file`,
    );
  }
}

/**
 * An output file written under a temporary name in the same directory (made new, so never
 * through a link planted there) and renamed to its name only by `commit()`: a file under its
 * final name is always whole. A path where a symbolic link, a device, a FIFO or a directory is
 * is refused, before and again at the rename. A write that fails (a full disk, `ulimit -f`) is a
 * WriteError naming the file and the byte offset; `abort()` then removes the temporary file.
 */
export class AtomicFile {
  readonly tmp: string;
  private file: Deno.FsFile | null;
  private size = 0;
  private done = false;

  private constructor(readonly path: string, private readonly flag?: string) {
    checkReplaceable(path, flag);
    const slash = path.lastIndexOf("/");
    this.tmp = `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.${Deno.pid}.tmp`;
    try {
      this.file = Deno.openSync(this.tmp, { write: true, createNew: true });
    } catch (e) {
      throw new WriteError(`${path}: cannot create (${(e as Error).message})`);
    }
  }

  static create(path: string, flag?: string): AtomicFile {
    return new AtomicFile(path, flag);
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.size;
  }

  write(bytes: Uint8Array): void {
    const file = this.open(bytes.length);
    let done = 0;
    try {
      while (done < bytes.length) done += file.writeSync(bytes.subarray(done));
    } catch (e) {
      this.fail(this.size + done, e);
    }
    this.size += bytes.length;
  }

  async writeAsync(bytes: Uint8Array): Promise<void> {
    const file = this.open(bytes.length);
    let done = 0;
    try {
      while (done < bytes.length) done += await file.write(bytes.subarray(done));
    } catch (e) {
      this.fail(this.size + done, e);
    }
    this.size += bytes.length;
  }

  /** A stream into the file (a CompressionStream's output, say), with the same errors. */
  writable(): WritableStream<Uint8Array> {
    return new WritableStream({ write: (chunk) => this.writeAsync(chunk) });
  }

  /** Closes the file and gives it its final name; on failure nothing is left under either name. */
  commit(): void {
    if (this.done) return;
    try {
      this.file?.close();
      this.file = null;
      checkReplaceable(this.path, this.flag);
      Deno.renameSync(this.tmp, this.path);
      this.done = true;
    } catch (e) {
      this.abort();
      if (e instanceof UsageError) throw e;
      throw new WriteError(`${this.path}: cannot write (${(e as Error).message})`);
    }
  }

  /** Gives the file up: the temporary file is removed, the final name untouched. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    try {
      this.file?.close();
    } catch {
      // Already closed.
    }
    this.file = null;
    try {
      Deno.removeSync(this.tmp);
    } catch {
      // Already gone.
    }
  }

  private open(length: number): Deno.FsFile {
    if (this.done || !this.file) throw new Error(`${this.path}: written after it was closed`);
    if (this.size + length > FILE_SIZE_LIMIT) {
      this.fail(this.size, `the file size limit, ulimit -f, is ${FILE_SIZE_LIMIT} bytes`);
    }
    return this.file;
  }

  private fail(at: number, e: unknown): never {
    const why = typeof e === "string" ? e : (e as Error).message;
    this.abort();
    throw new WriteError(`${this.path}: write failed at byte ${at} (${why})`);
  }
}

/** Writes a whole file atomically (AtomicFile). */
export function writeFileAtomic(path: string, data: Uint8Array | string, flag?: string): void {
  const out = AtomicFile.create(path, flag);
  try {
    out.write(typeof data === "string" ? new TextEncoder().encode(data) : data);
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
}
