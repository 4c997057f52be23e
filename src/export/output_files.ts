import { AtomicFile } from "../core/atomic_file.ts";
import { pathInside } from "../core/output_path.ts";
import type { EntryKind } from "../core/output_dir.ts";

/** Bytes gathered before a write: large enough to be fast, small enough to stay constant. */
const FLUSH_AT = 1 << 20;

/** A text file written line by line through a fixed-size buffer, under a temporary name. */
export class TextFile {
  private readonly encoder = new TextEncoder();
  private parts: string[] = [];
  private length = 0;

  constructor(readonly file: AtomicFile) {}

  get path(): string {
    return this.file.path;
  }

  line(text: string): void {
    this.parts.push(text, "\n");
    this.length += text.length + 1;
    if (this.length >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.length === 0) return;
    this.file.write(this.encoder.encode(this.parts.join("")));
    this.parts = [];
    this.length = 0;
  }
}

/** The files of one session's export (one, or two for LOBSTER). */
export class SessionFiles {
  readonly files: AtomicFile[] = [];
  private readonly texts: TextFile[] = [];

  constructor(readonly dir: string) {}

  text(name: string): TextFile {
    const t = new TextFile(this.binary(name));
    this.texts.push(t);
    return t;
  }

  binary(name: string): AtomicFile {
    const f = AtomicFile.create(pathInside(this.dir, name), "--output");
    this.files.push(f);
    return f;
  }

  /** Writes out what the text files still buffer. */
  flush(): void {
    for (const t of this.texts) t.flush();
  }

  abort(): void {
    for (const f of this.files) f.abort();
  }

  get paths(): string[] {
    return this.files.map((f) => f.path);
  }
}

/**
 * Every file of one export, each under a temporary name until `commit()` renames them all: an
 * export that fails leaves none of its files under a final name.
 */
export class ExportFiles {
  private readonly sessions: SessionFiles[] = [];

  constructor(readonly dir: string) {}

  session(): SessionFiles {
    const s = new SessionFiles(this.dir);
    this.sessions.push(s);
    return s;
  }

  /** Leaves a session out (its files removed): nothing of it could be read. */
  drop(s: SessionFiles): void {
    s.abort();
    this.sessions.splice(this.sessions.indexOf(s), 1);
  }

  commit(): void {
    for (const s of this.sessions) for (const f of s.files) f.commit();
  }

  abort(): void {
    for (const s of this.sessions) s.abort();
  }
}

const SYMBOL = "[A-Z0-9._-]{1,16}";
const DATE = "\\d{4}-\\d{2}-\\d{2}";
const OURS = new RegExp(
  `^${SYMBOL}_${DATE}(\\.(csv|jsonl|parquet|npz)|_\\d+_\\d+_(message|orderbook)_\\d+\\.csv)$`,
);
const UNFINISHED = new RegExp(`^\\.${SYMBOL}_${DATE}.*\\.\\d+\\.tmp$`);

/** What an entry of an export's directory is (claimOutputDir). */
export function exportEntryKind(name: string): EntryKind {
  if (OURS.test(name)) return "ours";
  return UNFINISHED.test(name) ? "unfinished" : "foreign";
}
