import { UsageError } from "../core/errors.ts";
import { claimOutputDir } from "../core/output_dir.ts";
import { checkOutputPath } from "../core/output_path.ts";
import { inputRunDirs, SessionLog } from "../format/input.ts";
import type { Damage } from "../format/input.ts";
import { writeCsv } from "./csv.ts";
import { writeHftbacktest } from "./hftbacktest.ts";
import { writeJsonl } from "./jsonl.ts";
import { writeLobster } from "./lobster.ts";
import { exportEntryKind, ExportFiles } from "./output_files.ts";
import type { SessionFiles } from "./output_files.ts";
import { writeParquet } from "./parquet.ts";
import { DEFAULT_LAYOUT } from "./rows.ts";
import type { ExportLayout } from "./rows.ts";
import { exportSessions } from "./sessions.ts";
import { orderColumnsNote } from "./order_columns.ts";
import type { ExportSession } from "./sessions.ts";

type SessionWriter = (
  log: SessionLog,
  session: ExportSession,
  out: SessionFiles,
  layout: ExportLayout,
) => void;

export const EXPORT_FORMATS: Record<string, SessionWriter> = {
  csv: writeCsv,
  jsonl: writeJsonl,
  parquet: writeParquet,
  lobster: writeLobster,
  hftbacktest: writeHftbacktest,
};

export interface ExportedSession {
  session: ExportSession;
  /** The files written; none when nothing of the session could be read. */
  files: string[];
  /** Events exported: those of the sound chunks before any damage. */
  events: number;
  /** Where the source file stops being usable (checksum, torn, never closed); null when sound. */
  damage: Damage | null;
  /** What the user should know about the files (a column left 0, and why); null: nothing. */
  note: string | null;
}

export interface ExportOptions {
  symbol?: string;
  /** Time zone, lot size, folders, latency (DEFAULT_LAYOUT where not given). */
  layout?: Partial<ExportLayout>;
  /** Replace an unfinished previous export in the directory. */
  force?: boolean;
  /** Check every chunk's checksum (default true). */
  verify?: boolean;
  /** Hears of each session once every file is in place. */
  onSession?: (s: ExportedSession) => void;
  /** One line about the directory (a previous export replaced). */
  note?: (line: string) => void;
}

/**
 * Exports every session of a run directory or one `.qrsdp` file into `outDir`, one session at a
 * time, streaming (each holds one chunk of its source file and a bounded buffer per output file).
 * Every file is written under a temporary name and all are renamed when the last is complete, so
 * an export that fails leaves no file under a final name. A damaged session gives its sound
 * chunks before the damage; one with none gives no file.
 */
export function exportRun(
  path: string,
  format: string,
  outDir: string,
  opts: ExportOptions = {},
): ExportedSession[] {
  const write = EXPORT_FORMATS[format];
  if (!write) {
    throw new UsageError(`--format: '${format}' is not one of ${Object.keys(EXPORT_FORMATS)}`);
  }
  const layout = { ...DEFAULT_LAYOUT, ...opts.layout };
  if (layout.hive && (format === "lobster" || format === "hftbacktest")) {
    throw new UsageError(`--layout hive: is for csv, jsonl and parquet, not ${format}`);
  }
  const sessions = exportSessions(path, opts.symbol);
  checkOutputPath(outDir, "--output", { inputs: inputRunDirs([path]) });
  claimOutputDir(outDir, {
    flag: "--output",
    force: opts.force ?? false,
    kind: exportEntryKind,
    note: opts.note ?? (() => {}),
  });
  const all = new ExportFiles(outDir);
  try {
    const done = sessions.map((session): ExportedSession => {
      const log = SessionLog.open(session.path, { verify: opts.verify });
      try {
        const files = all.session();
        write(log, session, files, layout);
        files.flush();
        const usable = log.damage === null || log.chunks > 0;
        if (!usable) all.drop(files);
        return {
          session,
          files: usable ? files.paths : [],
          events: log.records,
          damage: log.damage,
          note: format === "lobster" ? null : orderColumnsNote(session),
        };
      } finally {
        log.close();
      }
    });
    all.commit();
    for (const d of done) opts.onSession?.(d);
    return done;
  } catch (e) {
    all.abort();
    throw e;
  }
}
