import { DataError } from "../core/errors.ts";
import { fileInput, isDirectory, listInputs, readRun, sessionPath } from "../format/input.ts";
import type { InputSession } from "../format/input.ts";
import type { SizeDistribution } from "../model/order_sizes.ts";

/** The symbol of the unnamed security of a run without `--securities`, as its Kafka key. */
export const UNNAMED_SYMBOL = "DEFAULT";

/** One session file to export, with the symbol and trading date its rows carry. */
export interface ExportSession {
  symbol: string;
  date: string;
  /** The file, checked inside its run directory. */
  path: string;
  input: InputSession;
  /** The run's --theta-reinit, from its manifest (0 when not recorded). */
  thetaReinit: number;
  /** The run's order sizes (--sizes), from its manifest; null: one lot an order. */
  sizes: SizeDistribution | null;
}

/**
 * Every session of a run directory (from its manifest, securities in order, days in order), or
 * the one file given. A single file takes its date from its name (`YYYY-MM-DD.qrsdp`) and its
 * symbol from `symbol`, else from its folder when that folder is a symbol, else DEFAULT.
 */
export function exportSessions(path: string, symbol?: string): ExportSession[] {
  const dir = path.replace(/\/+$/, "") || "/";
  if (isDirectory(dir)) {
    const run = readRun(dir);
    const thetaReinit = Number(run.manifest.theta_reinit ?? 0);
    const sizes = (run.manifest.order_sizes ?? null) as SizeDistribution | null;
    return listInputs([dir]).sessions.map((input) => ({
      symbol: input.symbol ?? UNNAMED_SYMBOL,
      date: input.date!,
      path: sessionPath(input),
      input,
      thetaReinit,
      sizes,
    }));
  }
  const input = fileInput(dir);
  if (!input.date) throw new DataError(`${path}: a single file must be named YYYY-MM-DD.qrsdp`);
  const folder = dir.split("/").slice(-2, -1)[0] ?? "";
  const fromFolder = /^[A-Z0-9._-]{1,16}$/.test(folder) ? folder : undefined;
  return [{
    symbol: symbol ?? fromFolder ?? UNNAMED_SYMBOL,
    date: input.date,
    path: dir,
    input,
    thetaReinit: 0,
    sizes: null,
  }];
}
