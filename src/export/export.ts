import { DataError, UsageError } from "../core/errors.ts";
import { LogReader } from "../format/log_reader.ts";
import { writeCsv } from "./csv.ts";
import { writeHftbacktest } from "./hftbacktest.ts";
import { writeJsonl } from "./jsonl.ts";
import { writeLobster } from "./lobster.ts";
import { writeParquet } from "./parquet.ts";
import { DEFAULT_LAYOUT } from "./rows.ts";
import type { ExportLayout } from "./rows.ts";
import { exportSessions } from "./sessions.ts";
import type { ExportSession } from "./sessions.ts";

type SessionWriter = (
  reader: LogReader,
  session: ExportSession,
  dir: string,
  layout: ExportLayout,
) => string[];

export const EXPORT_FORMATS: Record<string, SessionWriter> = {
  csv: writeCsv,
  jsonl: writeJsonl,
  parquet: writeParquet,
  lobster: writeLobster,
  hftbacktest: writeHftbacktest,
};

export interface ExportedSession {
  session: ExportSession;
  files: string[];
  events: number;
  /** Why part of the source file could not be read (a file cut short); null when sound. */
  damage: string | null;
}

/**
 * Exports every session of a run directory or one `.qrsdp` file into `outDir`, one session at a
 * time, streaming (each holds one chunk of its source file and a bounded buffer per output file).
 */
export function exportRun(
  path: string,
  format: string,
  outDir: string,
  opts: {
    symbol?: string;
    layout?: Partial<ExportLayout>;
    onSession?: (s: ExportedSession) => void;
  } = {},
): ExportedSession[] {
  const write = EXPORT_FORMATS[format];
  if (!write) {
    throw new UsageError(`--format: '${format}' is not one of ${Object.keys(EXPORT_FORMATS)}`);
  }
  const layout = { ...DEFAULT_LAYOUT, ...opts.layout };
  if (layout.hive && format === "lobster") {
    throw new UsageError(
      "--layout hive: LOBSTER has its own file names; use csv, jsonl or parquet",
    );
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
      const files = write(reader, session, outDir, layout);
      const done: ExportedSession = {
        session,
        files,
        events: reader.recordsRead,
        damage: reader.damage,
      };
      opts.onSession?.(done);
      return done;
    } finally {
      reader.close();
    }
  });
}
