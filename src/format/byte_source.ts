import { DataError } from "../core/errors.ts";
import { checkRegularFile, readFull } from "../core/safe_read.ts";

/** Bytes read by position: a file, or a file's bytes already in memory. */
export interface ByteSource {
  /** Names the file in errors. */
  readonly name: string;
  readonly size: number;
  /** Reads `into.length` bytes from byte `at`, fewer only at the end; returns how many. */
  read(into: Uint8Array, at: number): number;
  close(): void;
}

/** A file opened for reading; its size is the size it had when opened. */
export function fileSource(path: string): ByteSource {
  let file: Deno.FsFile;
  let size: number;
  // A device or a FIFO is refused before it is opened (opening a FIFO blocks).
  checkRegularFile(path);
  try {
    file = Deno.openSync(path, { read: true });
    size = file.statSync().size;
  } catch (e) {
    throw new DataError(`cannot read (${(e as Error).message})`, { source: path });
  }
  let position = 0;
  return {
    name: path,
    size,
    read(into, at) {
      try {
        if (position !== at) file.seekSync(at, Deno.SeekMode.Start);
        const done = readFull(file, into);
        position = at + done;
        return done;
      } catch (e) {
        position = -1;
        throw new DataError(`cannot read (${(e as Error).message})`, { source: path, offset: at });
      }
    },
    close: () => file.close(),
  };
}

export function memorySource(bytes: Uint8Array, name: string): ByteSource {
  return {
    name,
    size: bytes.length,
    read(into, at) {
      const part = bytes.subarray(at, at + into.length);
      into.set(part);
      return part.length;
    },
    close() {},
  };
}
