import { DataError } from "./errors.ts";

/** The largest `.qrsdp` file read whole (a generated day is about 22 MB). */
export const MAX_QRSDP_BYTES = 2 ** 31;
/** The largest manifest, curves file or SQL script read (they are a few KiB). */
export const MAX_TEXT_BYTES = 64 * 2 ** 20;

/** Reads from where `file` is until `into` is full or the file ends; returns the bytes read. */
export function readFull(file: Deno.FsFile, into: Uint8Array): number {
  let done = 0;
  while (done < into.length) {
    const n = file.readSync(done ? into.subarray(done) : into);
    if (n === null || n === 0) break;
    done += n;
  }
  return done;
}

/**
 * Reads a regular file of at most `maxBytes`. Anything else (a device such as /dev/zero, a FIFO
 * that would block forever, a directory, a socket) is refused before it is opened, and no more
 * than the size seen at open is ever read or allocated.
 */
export function readRegularFile(path: string, maxBytes: number): Uint8Array {
  const info = checkRegularFile(path);
  if (info.size > maxBytes) {
    throw new DataError(`${info.size} bytes, more than the ${maxBytes} read at most`, {
      source: path,
    });
  }
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (e) {
    throw new DataError(`cannot read (${(e as Error).message})`, { source: path });
  }
  try {
    const size = Math.min(file.statSync().size, maxBytes);
    const out = new Uint8Array(size);
    const n = readFull(file, out);
    return n === size ? out : out.subarray(0, n);
  } catch (e) {
    throw new DataError(`cannot read (${(e as Error).message})`, { source: path });
  } finally {
    file.close();
  }
}

export function readRegularText(path: string, maxBytes = MAX_TEXT_BYTES): string {
  return new TextDecoder().decode(readRegularFile(path, maxBytes));
}

/** The file opened for reading; a DataError naming it when it cannot be. */
export function openForReading(path: string): Deno.FsFile {
  try {
    return Deno.openSync(path);
  } catch (e) {
    throw new DataError(`cannot read (${(e as Error).message})`, { source: path });
  }
}

/** The file's information when it is a regular file; else a DataError saying what it is. */
export function checkRegularFile(path: string): Deno.FileInfo {
  const info = statOrFail(path);
  if (!info.isFile) throw new DataError(`not a regular file (${kind(info)})`, { source: path });
  return info;
}

/** The file's kind, or a DataError naming it. */
export function statOrFail(path: string): Deno.FileInfo {
  try {
    return Deno.statSync(path);
  } catch (e) {
    throw new DataError(`cannot read (${(e as Error).message})`, { source: path });
  }
}

function kind(info: Deno.FileInfo): string {
  if (info.isDirectory) return "a directory";
  if (info.isFifo) return "a FIFO";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  if (info.isSocket) return "a socket";
  return "not a file";
}

/**
 * `rel`, a path from a manifest, as a path inside `dir`; refused when it is absolute or climbs
 * out with `..`, or when a symbolic link takes it outside.
 */
export function pathInside(dir: string, rel: unknown, what: string): string {
  if (typeof rel !== "string" || rel === "") {
    throw new DataError(`${JSON.stringify(rel)} is not a file name`, { source: what });
  }
  const parts = rel.split(/[\\/]/);
  if (rel.startsWith("/") || /^[A-Za-z]:/.test(rel) || parts.includes("..")) {
    throw new DataError(`'${rel}' is outside the run directory`, { source: what });
  }
  const path = `${dir}/${rel}`;
  try {
    const real = Deno.realPathSync(path), root = Deno.realPathSync(dir);
    if (!real.startsWith(root.endsWith("/") ? root : `${root}/`)) {
      throw new DataError(`'${rel}' leads outside the run directory`, { source: what });
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    // A missing file is reported by whoever reads it.
  }
  return path;
}
