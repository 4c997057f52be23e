import { DataError, UsageError } from "../core/errors.ts";
import { decodeHeader, HEADER_SIZE } from "../format/header.ts";
import type { FileHeader } from "../format/header.ts";
import { readManifest } from "../format/manifest.ts";
import { LogReader } from "../format/log_reader.ts";
import { curvesJson } from "./curves_json.ts";
import type { SourceDescription } from "./curves_json.ts";
import { chunksOf, replayFile } from "./replay.ts";
import { curveTables, SojournCells } from "./sojourns.ts";

/** A torn or damaged input in compat mode, where the established tool gives up on it. */
export class DamagedInputError extends DataError {
  override name = "DamagedInputError";
}

export interface CalibrateSettings {
  /** `.qrsdp` files, read in this order into one set of estimators. */
  files: string[];
  /** Levels per side of the curves; null takes the first file's (5 if that is 0). */
  levels: number | null;
  nMax: number;
  spreadSensitivity: number;
  imbalanceSensitivity: number;
  /** The established tool's estimator and file, quirks included (calibration.md). */
  compat: boolean;
  /** Count censored time at risk too (see ReplayOptions.censored); not with compat. */
  censored: boolean;
}

export interface FileSummary {
  path: string;
  events: number;
  sojourns: number;
  /** Executions whose price was not the replayed best price (a book unlike its header's). */
  priceMismatches: number;
  /** Why the file's end was not read (its complete chunks were), or null. */
  damage: string | null;
}

export interface Calibration {
  levels: number;
  nMax: number;
  events: number;
  sojourns: number;
  files: FileSummary[];
  cells: SojournCells;
  /** The curves file's text. */
  json: string;
}

/**
 * Every `.qrsdp` file of the inputs: a run directory stands for its manifest's files, in order,
 * and a security's folder inside one (RUN/AAPL) for that security's.
 */
export function expandInputs(inputs: string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    let isDirectory: boolean;
    try {
      isDirectory = Deno.statSync(input).isDirectory;
    } catch (e) {
      throw new DataError(`cannot read (${(e as Error).message})`, { source: input });
    }
    if (!isDirectory) {
      files.push(input);
      continue;
    }
    const dir = input.replace(/\/+$/, "") || "/";
    if (isFile(`${dir}/manifest.json`)) {
      for (const security of readManifest(dir).securities) {
        for (const session of security.sessions) files.push(`${dir}/${session.file}`);
      }
      continue;
    }
    const slash = dir.lastIndexOf("/");
    const run = slash < 0 ? "." : dir.slice(0, slash) || "/";
    const symbol = dir.slice(slash + 1);
    const security = isFile(`${run}/manifest.json`)
      ? readManifest(run).securities.find((s) => s.symbol === symbol)
      : undefined;
    if (!security) {
      throw new DataError(
        "a directory without manifest.json (not a run directory, nor a security's folder in one)",
        { source: input },
      );
    }
    for (const session of security.sessions) files.push(`${run}/${session.file}`);
  }
  return files;
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function readHeader(path: string): FileHeader {
  let bytes: Uint8Array;
  try {
    using file = Deno.openSync(path);
    bytes = new Uint8Array(HEADER_SIZE);
    let got = 0;
    while (got < HEADER_SIZE) {
      const n = file.readSync(bytes.subarray(got));
      if (n === null) break;
      got += n;
    }
    bytes = bytes.subarray(0, got);
  } catch (e) {
    throw new DataError(`cannot read (${(e as Error).message})`, { source: path });
  }
  return decodeHeader(bytes, path);
}

/**
 * Replays the files and estimates the curves (calibration.md §3-5). Headers are checked first, so
 * a bad input or option fails before any replay. `warn` receives one line per warning.
 */
export function calibrate(settings: CalibrateSettings, warn: (line: string) => void): Calibration {
  if (settings.files.length === 0) throw new UsageError("no input file");
  const headers = settings.files.map(readHeader);
  const levels = settings.levels ?? (headers[0].levelsPerSide || 5);
  const compat = settings.compat;
  if (compat && settings.censored) {
    throw new UsageError("--censored and --compat exclude each other");
  }
  if (!compat && settings.nMax < 0) {
    throw new UsageError(`--n-max: ${settings.nMax} is below 0 (the tables would be empty)`);
  }
  settings.files.forEach((path, i) => {
    const fileLevels = headers[i].levelsPerSide;
    if (fileLevels === 0 || levels <= fileLevels) return;
    const why = `${path} has ${fileLevels} levels per side, so levels ${fileLevels}-${
      levels - 1
    } get no data`;
    if (!compat) {
      throw new UsageError(`--levels ${levels}: ${why}; at most ${fileLevels} can be estimated`);
    }
    warn(`warning: --levels ${levels}: ${why}, and run with fewer levels makes empty sessions`);
  });

  const cells = new SojournCells(levels);
  const files: FileSummary[] = [];
  let events = 0, sojourns = 0;
  for (const path of settings.files) {
    const reader = LogReader.open(path);
    let counts;
    try {
      counts = replayFile(reader.header, chunksOf(reader), cells, {
        compat,
        censored: settings.censored,
        onPriceMismatch: compat ? warn : () => {},
      });
    } finally {
      reader.close();
    }
    if (reader.damage !== null) {
      if (compat) throw new DamagedInputError(reader.damage, { source: path });
      warn(
        `warning: ${path}: ${reader.damage}; using its ${reader.chunkNumber + 1} complete chunks`,
      );
    }
    if (!compat && counts.priceMismatches > 0) {
      warn(
        `warning: ${path}: ${counts.priceMismatches} executions at a price other than the ` +
          `replayed best price: the file's book differs from the one its header describes`,
      );
    }
    events += counts.events;
    sojourns += counts.sojourns;
    files.push({
      path,
      events: counts.events,
      sojourns: counts.sojourns,
      priceMismatches: counts.priceMismatches,
      damage: reader.damage,
    });
  }
  const json = curvesJson({
    levels,
    nMax: settings.nMax,
    spreadSensitivity: settings.spreadSensitivity,
    imbalanceSensitivity: compat ? 1 : settings.imbalanceSensitivity,
    tables: curveTables(cells, settings.nMax),
    source: compat ? undefined : describeRun(headers, levels),
  });
  return { levels, nMax: settings.nMax, events, sojourns, files, cells, json };
}

/** The generated source's book and session, from its headers (queue sizes are in its qty units). */
function describeRun(headers: FileHeader[], levels: number): SourceDescription {
  const h = headers[0];
  const depths = headers.map((x) => x.initialDepth || 50).sort((a, b) => a - b);
  return {
    tick_size: h.tickSize,
    unit: "qty",
    aes: new Array(levels).fill(1),
    opening_depth: new Array(levels).fill(depths[depths.length >> 1]),
    p0_ticks: h.p0Ticks,
    market_open_seconds: (h.marketOpenNs || 34_200e9) / 1e9,
    session_seconds: h.sessionSeconds,
  };
}
