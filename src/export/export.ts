import { DataError, UsageError } from "../core/errors.ts";
import { LogReader } from "../format/log_reader.ts";
import { writeCsv } from "./csv.ts";
import { writeJsonl } from "./jsonl.ts";
import { writeLobster } from "./lobster.ts";
import { writeParquet } from "./parquet.ts";
import { exportSessions } from "./sessions.ts";
import { orderColumnsNote } from "./order_columns.ts";
import type { ExportSession } from "./sessions.ts";

type SessionWriter = (reader: LogReader, session: ExportSession, dir: string) => string[];

export const EXPORT_FORMATS: Record<string, SessionWriter> = {
  csv: writeCsv,
  jsonl: writeJsonl,
  parquet: writeParquet,
  lobster: writeLobster,
};

export interface ExportedSession {
  session: ExportSession;
  files: string[];
  events: number;
  /** Why part of the source file could not be read (a file cut short); null when sound. */
  damage: string | null;
  /** What the user should know about the files (a column left 0, and why); null: nothing. */
  note: string | null;
}

/**
 * Exports every session of a run directory or one `.qrsdp` file into `outDir`, one session at a
 * time, streaming (each holds one chunk of its source file and a bounded buffer per output file).
 */
export function exportRun(
  path: string,
  format: string,
  outDir: string,
  opts: { symbol?: string; onSession?: (s: ExportedSession) => void } = {},
): ExportedSession[] {
  const write = EXPORT_FORMATS[format];
  if (!write) {
    throw new UsageError(`--format: '${format}' is not one of ${Object.keys(EXPORT_FORMATS)}`);
  }
  const sessions = exportSessions(path, opts.symbol);
  try {
    Deno.mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw new DataError(`--output: cannot create ${outDir} (${(e as Error).message})`);
  }
  return sessions.map((session) => {
    const reader = LogReader.open(session.path);
    try {
      const files = write(reader, session, outDir);
      const done: ExportedSession = {
        session,
        files,
        events: reader.recordsRead,
        damage: reader.damage,
        note: format === "lobster" ? null : orderColumnsNote(session),
      };
      opts.onSession?.(done);
      return done;
    } finally {
      reader.close();
    }
  });
}
