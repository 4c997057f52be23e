import { DataError } from "../core/errors.ts";
import { readManifest } from "../format/manifest.ts";
import type { SizeDistribution } from "../model/order_sizes.ts";

/** The symbol of the unnamed security of a run without `--securities`, as its Kafka key. */
export const UNNAMED_SYMBOL = "DEFAULT";

/** One session file to export, with the symbol and trading date its rows carry. */
export interface ExportSession {
  symbol: string;
  date: string;
  path: string;
  /** The run's --theta-reinit, from its manifest (0 when not recorded). */
  thetaReinit: number;
  /** The run's order sizes (--sizes), from its manifest; null: one lot an order. */
  sizes: SizeDistribution | null;
}

const DATE_FILE = /(\d{4}-\d{2}-\d{2})\.qrsdp$/;

/**
 * Every session of a run directory (from its manifest, securities in order, days in order), or
 * the one file given. A single file takes its date from its name (`YYYY-MM-DD.qrsdp`) and its
 * symbol from `symbol`, else from its folder when that folder is a symbol, else DEFAULT.
 */
export function exportSessions(path: string, symbol?: string): ExportSession[] {
  let isDirectory: boolean;
  try {
    isDirectory = Deno.statSync(path).isDirectory;
  } catch (e) {
    throw new DataError(`${path}: cannot read (${(e as Error).message})`);
  }
  const dir = path.replace(/\/+$/, "");
  if (isDirectory) {
    const { raw, securities } = readManifest(dir);
    const thetaReinit = Number(raw.theta_reinit ?? 0);
    const sizes = (raw.order_sizes ?? null) as SizeDistribution | null;
    return securities.flatMap((s) =>
      s.sessions.map((session) => ({
        symbol: s.symbol ?? UNNAMED_SYMBOL,
        date: session.date,
        path: `${dir}/${session.file}`,
        thetaReinit,
        sizes,
      }))
    );
  }
  const date = DATE_FILE.exec(path)?.[1];
  if (!date) throw new DataError(`${path}: a single file must be named YYYY-MM-DD.qrsdp`);
  const folder = path.split("/").slice(-2, -1)[0] ?? "";
  const fromFolder = /^[A-Z0-9._-]{1,16}$/.test(folder) ? folder : undefined;
  return [{
    symbol: symbol ?? fromFolder ?? UNNAMED_SYMBOL,
    date,
    path,
    thetaReinit: 0,
    sizes: null,
  }];
}
