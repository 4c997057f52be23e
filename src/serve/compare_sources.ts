import { lobsterPairs, withOrderbook } from "../calibrate/lobster_calibrate.ts";
import type { LobsterPair } from "../calibrate/lobster_source.ts";
import { itchRealism, lobsterRealism, qrsdpRealism } from "../calibrate/realism_sources.ts";
import type { RealismStats } from "../calibrate/realism_stats.ts";
import type { LevelBook } from "../calibrate/observations.ts";
import type { Analysis } from "./analysis.ts";
import { BadRequest, NotFound } from "./http_error.ts";
import { ObservedAnalysis } from "./observed_analysis.ts";

/** What the analysis page may compare a session with: a run's session, LOBSTER days, an ITCH security. */
export type CompareSource =
  | { kind: "qrsdp"; path: string }
  | { kind: "lobster"; pairs: LobsterPair[] }
  | { kind: "itch"; path: string; symbol: string };

/** A real-data file under the data directory, by its path there. */
export interface RealDataFile {
  path: string;
  kind: "lobster" | "itch";
}

const LOBSTER_MESSAGE = /_message_\d+\.csv$/;
/** NASDAQ's daily files (…NASDAQ_ITCH50[.gz]) and `qrsdp itch`'s (….qrsdp_ITCH50). */
const ITCH = /ITCH50(\.gz)?$|\.itch(\.gz)?$/i;
const MAX_FILES = 200;
const MAX_DEPTH = 3;
/** Folders looked into at most, so that a data directory of many runs is listed quickly. */
const MAX_FOLDERS = 500;

/**
 * The LOBSTER message files and ITCH files under `root` (a few folders deep, hidden ones
 * skipped, the first MAX_FILES by name, in the first MAX_FOLDERS folders), as paths from `root`.
 */
export function realDataFiles(root: string): RealDataFile[] {
  const out: RealDataFile[] = [];
  let folders = 0;
  const walk = (dir: string, rel: string, depth: number) => {
    if (++folders > MAX_FOLDERS) return;
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)].sort((a, b) => a.name < b.name ? -1 : 1);
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= MAX_FILES || e.name.startsWith(".")) continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory && depth < MAX_DEPTH) walk(`${dir}/${e.name}`, path, depth + 1);
      else if (e.isFile && LOBSTER_MESSAGE.test(e.name)) out.push({ path, kind: "lobster" });
      else if (e.isFile && ITCH.test(e.name)) out.push({ path, kind: "itch" });
    }
  };
  walk(root, "", 1);
  return out;
}

/**
 * The source a `file` parameter names: a LOBSTER message file (with its orderbook file beside
 * it) or an ITCH file and `symbol`, given from the data directory. `inside` resolves a path and
 * refuses one outside the data directory (a symbolic link out of it, `..`): every file read is
 * checked, the orderbook file too.
 */
export function fileSource(
  rel: string,
  symbol: string | null,
  root: string,
  inside: (path: string) => string,
): CompareSource {
  if (rel === "" || rel.startsWith("/") || rel.includes("\0")) {
    throw new BadRequest("file: a path from the data directory");
  }
  const path = inside(`${root}/${rel}`);
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (LOBSTER_MESSAGE.test(name)) {
    const pairs = lobsterPairs(withOrderbook(path));
    for (const p of pairs) {
      inside(p.message);
      if (p.orderbook) inside(p.orderbook);
    }
    return { kind: "lobster", pairs };
  }
  if (ITCH.test(name)) {
    if (!symbol) throw new BadRequest("symbol: an ITCH file needs the security to compare");
    return { kind: "itch", path, symbol };
  }
  throw new NotFound(`${rel}: not a LOBSTER message file or an ITCH file`);
}

/**
 * The realism figures of a source, queue sizes of real data in average event sizes (as compare's
 * default); for real data also the analysis page's figures, from the same pass (a run's session
 * has its own analysis).
 */
export async function realismOf(
  source: CompareSource,
  levels: number | null,
): Promise<{ stats: RealismStats; analysis: Analysis | null }> {
  const real = { levels: levels ?? 5, unit: "aes" as const, lot: 1, tick: null };
  let observed: ObservedAnalysis | null = null;
  const more = (book: LevelBook) => [observed = new ObservedAnalysis(book)];
  let stats: RealismStats;
  switch (source.kind) {
    case "qrsdp":
      return { stats: qrsdpRealism([source.path], levels), analysis: null };
    case "lobster":
      stats = await lobsterRealism(source.pairs, real, more);
      break;
    case "itch":
      stats = await itchRealism(source.path, source.symbol, real, more);
      break;
  }
  const name = source.kind === "itch" ? source.path : source.pairs[0].message;
  return { stats, analysis: observed!.analysis(name.slice(name.lastIndexOf("/") + 1)) };
}
