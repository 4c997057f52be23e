/**
 * The one way commands read recorded sessions: run directories and `.qrsdp` files are listed
 * with their manifests checked (every session file inside its run directory, no `..`, no
 * symbolic link out; the same file never twice), files are opened as regular files only, and
 * every chunk is checked as `info` checks it (checksum, size, records) before any of its records
 * is used. A damaged file gives its sound chunks before the damage, and a Damage naming the file,
 * the byte offset and the chunk.
 */
import { DataError, UsageError } from "../core/errors.ts";
import type { EventRecord } from "../core/events.ts";
import { normalizePath } from "../core/output_path.ts";
import { pathInside, statOrFail } from "../core/safe_read.ts";
import type { FileHeader } from "./header.ts";
import { forEachRecord, LogReader } from "./log_reader.ts";
import type { ChunkInfo } from "./log_reader.ts";
import type { RecordColumns } from "./lz4_decoder.ts";
import { readManifest } from "./manifest.ts";
import { decodeRecord, RECORD_SIZE } from "./record.ts";
import type { SecuritySessions } from "./manifest.ts";
import { ChunkVerifier, verifyFile } from "./verify.ts";
import type { FileCheck } from "./verify.ts";

export interface InputSession {
  /** The security's symbol in its manifest; null for the unnamed one or a file given alone. */
  symbol: string | null;
  /** The trading date: the manifest's, or a file's name `YYYY-MM-DD.qrsdp` (else null). */
  date: string | null;
  seed: bigint | null;
  /** The run directory it is listed in, and its path there; null for a file given alone. */
  run: string | null;
  /** The manifest's `file` (a file alone: its path). */
  file: string;
  /** The path to open (`run/file`): check it with `sessionPath` first. */
  path: string;
}

export interface RunInput {
  dir: string;
  /** The manifest as read (its keys checked where used). */
  manifest: Record<string, unknown>;
  securities: SecuritySessions[];
  sessions: InputSession[];
}

const MANIFEST = "manifest.json";
const DATE_FILE = /^(\d{4}-\d{2}-\d{2})\.qrsdp$/;

/** `path` without trailing slashes ("/" stays). */
function trimmed(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") || "/" : path;
}

export function isDirectory(path: string): boolean {
  return statOrFail(path).isDirectory;
}

/** A run directory's manifest and sessions, securities in order, days in order. */
export function readRun(path: string): RunInput {
  const dir = trimmed(path);
  try {
    Deno.lstatSync(`${dir}/${MANIFEST}`);
  } catch {
    throw new DataError("a directory without manifest.json (not a run directory)", {
      source: dir,
    });
  }
  const { raw, securities } = readManifest(dir);
  const sessions = securities.flatMap((s) =>
    s.sessions.map((x): InputSession => ({
      symbol: s.symbol,
      date: x.date,
      seed: x.seed,
      run: dir,
      file: x.file,
      path: `${dir}/${x.file}`,
    }))
  );
  return { dir, manifest: raw, securities, sessions };
}

/**
 * A run directory, or a security's folder inside one (RUN/AAPL): the run with that security's
 * sessions only.
 */
export function readRunOrSecurity(path: string): RunInput {
  const dir = trimmed(path);
  if (isRunDir(dir)) return readRun(dir);
  const slash = dir.lastIndexOf("/");
  const parent = slash < 0 ? "." : dir.slice(0, slash) || "/";
  const symbol = dir.slice(slash + 1);
  if (isRunDir(parent)) {
    const run = readRun(parent);
    const securities = run.securities.filter((s) => s.symbol === symbol);
    if (securities.length === 1) {
      return { ...run, securities, sessions: run.sessions.filter((s) => s.symbol === symbol) };
    }
  }
  throw new DataError(
    "a directory without manifest.json (not a run directory, nor a security's folder in one)",
    { source: dir },
  );
}

function isRunDir(dir: string): boolean {
  try {
    Deno.lstatSync(`${dir}/${MANIFEST}`);
    return true;
  } catch {
    return false;
  }
}

/** A `.qrsdp` file given alone. */
export function fileInput(path: string): InputSession {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return {
    symbol: null,
    date: DATE_FILE.exec(name)?.[1] ?? null,
    seed: null,
    run: null,
    file: path,
    path,
  };
}

/**
 * The session's file, checked: a run's file must be inside its run directory (no absolute path,
 * no `..`, no symbolic link leading out). A DataError says why not.
 */
export function sessionPath(s: InputSession): string {
  return s.run === null ? s.path : pathInside(s.run, s.file, `${s.run}/${MANIFEST}`);
}

/**
 * The run directories the inputs read from: each directory given, and the one a file given alone
 * sits in (at its top or in a symbol folder). An output must not go inside them.
 */
export function inputRunDirs(paths: string[]): string[] {
  const found: string[] = [];
  for (const raw of paths) {
    const path = trimmed(raw);
    if (isDirectory(path)) {
      let run = path;
      try {
        if (!isRunDir(path)) run = readRunOrSecurity(path).dir;
      } catch {
        // Not in a run: the reader says so.
      }
      found.push(run);
      continue;
    }
    const parts = normalizePath(path).split("/").slice(0, -1);
    for (let up = 0; up < 2 && parts.length > up; up++) {
      const dir = parts.slice(0, parts.length - up).join("/") || "/";
      try {
        if (Deno.lstatSync(`${dir}/${MANIFEST}`).isFile) found.push(dir);
      } catch {
        // Not a run directory.
      }
    }
  }
  return found;
}

export interface Inputs {
  sessions: InputSession[];
  /** The run directories among the inputs (an output must not go inside one). */
  runs: RunInput[];
}

/**
 * Every session of the inputs, in the order given (a run directory stands for its manifest's
 * sessions, a security's folder in one for that security's), each path checked with `sessionPath`. The same file reached twice (a run and one
 * of its files, a path and a link to it) is refused, so it never counts twice.
 */
export function listInputs(paths: string[]): Inputs {
  const sessions: InputSession[] = [], runs: RunInput[] = [];
  const seen = new Map<string, string>();
  for (const raw of paths) {
    const path = trimmed(raw);
    const found = isDirectory(path) ? readRunOrSecurity(path) : null;
    if (found) runs.push(found);
    for (const s of found ? found.sessions : [fileInput(path)]) {
      const file = sessionPath(s);
      let key = file;
      try {
        key = Deno.realPathSync(file);
      } catch {
        // A missing file is reported when it is opened.
      }
      const prior = seen.get(key);
      if (prior !== undefined) {
        throw new UsageError(`${file}: given twice (also as ${prior}); each file counts once`);
      }
      seen.set(key, file);
      sessions.push(s);
    }
  }
  return { sessions, runs };
}

/** Where a file stops being usable. */
export interface Damage {
  file: string;
  offset: number;
  /** The first chunk not used (the damaged one, or the one the damage is in place of). */
  chunk: number;
  /** What is wrong, with its place: `byte B: chunk N: fails its checksum ...`. */
  detail: string;
  /** `file: detail`, for one line of the command's report. */
  message: string;
}

function damageOf(file: string, detail: string, chunk: number): Damage {
  const offset = Number(/^byte (\d+):/.exec(detail)?.[1] ?? 0);
  return { file, offset, chunk, detail, message: `${file}: ${detail}` };
}

export interface ReadOptions {
  /** Check each chunk's checksum (default true; false is `--no-verify`). */
  verify?: boolean;
}

/**
 * A `.qrsdp` file read chunk by chunk, only its sound chunks: `next()` gives each chunk with its
 * records decompressed and checked, and null at the end or at the first damage, which `damage`
 * then describes. A file that cannot be read at all (not a regular file, a bad header) is a
 * DataError from `open`.
 */
export class SessionLog {
  damage: Damage | null = null;
  /** Sound chunks and their records given so far. */
  chunks = 0;
  records = 0;
  private readonly verifier: ChunkVerifier;
  private ended = false;

  constructor(readonly reader: LogReader, opts: ReadOptions = {}) {
    this.verifier = new ChunkVerifier(reader, [0, 0, 0, 0, 0, 0], opts.verify ?? true);
  }

  static open(path: string, opts: ReadOptions = {}): SessionLog {
    return new SessionLog(LogReader.open(path), opts);
  }

  /** Opens a listed session, its path checked first (`sessionPath`). */
  static openSession(s: InputSession, opts: ReadOptions = {}): SessionLog {
    return SessionLog.open(sessionPath(s), opts);
  }

  get header(): FileHeader {
    return this.reader.header;
  }

  get name(): string {
    return this.reader.name;
  }

  /** The decompressed records of the current chunk; valid until the following `next()`. */
  get view(): DataView<ArrayBuffer> {
    return this.reader.view;
  }

  /** The next sound chunk, decompressed; null at the end of the file or at its first damage. */
  next(): ChunkInfo | null {
    if (this.ended) return null;
    const c = this.reader.next();
    const problem = c ? this.verifier.check() : this.reader.damage;
    if (c && problem === null) {
      this.chunks++;
      this.records += c.recordCount;
      return c;
    }
    this.ended = true;
    if (problem !== null) this.damage = damageOf(this.reader.name, problem, this.chunks);
    return null;
  }

  /** The current chunk's raw records (RECORD_SIZE bytes each); valid until the next `next()`. */
  recordBytes(): Uint8Array {
    const v = this.reader.view;
    return new Uint8Array(v.buffer, v.byteOffset, this.reader.chunk!.recordCount * RECORD_SIZE);
  }

  /** The current chunk's records split into fields; valid until the following `next()`. */
  columns(): RecordColumns {
    return this.reader.columns(true);
  }

  /** Calls `fn` for every record of the sound chunks, in order; the record object is reused. */
  forEach(fn: (rec: EventRecord) => void): void {
    forEachRecord(this, fn);
  }

  close(): void {
    this.reader.close();
  }
}

/**
 * Reads a whole file once, streaming, and checks every chunk as `info` reports it (all its
 * problems, not only the first); keeps its first `n` records, those of the sound chunks at its
 * start.
 */
export function inspectFile(
  path: string,
  n = 0,
): { reader: LogReader; check: FileCheck; first: EventRecord[] } {
  const reader = LogReader.open(path);
  const first: EventRecord[] = [];
  let more = n > 0;
  const keep = (sound: boolean) => {
    if (!more) return;
    const size = sound ? reader.chunk!.recordCount * RECORD_SIZE : 0;
    for (let o = 0; o < size && first.length < n; o += RECORD_SIZE) {
      first.push(decodeRecord(reader.view, o));
    }
    more = sound && first.length < n;
  };
  try {
    return { reader, check: verifyFile(reader, keep), first };
  } finally {
    reader.close();
  }
}
