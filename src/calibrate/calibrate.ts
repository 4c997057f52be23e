import { DataError, UsageError } from "../core/errors.ts";
import type { FileHeader } from "../format/header.ts";
import { listInputs, SessionLog, sessionPath } from "../format/input.ts";
import { curvesJson } from "./curves_json.ts";
import type { SourceDescription } from "./curves_json.ts";
import { chunksOf, replayFile } from "./replay.ts";
import { curveTables, SojournCells } from "./sojourns.ts";
import { SPREAD_BUCKETS } from "./queue_estimator.ts";
import { estimateSpreadSensitivity, tablesWithoutSpread } from "./spread_sensitivity.ts";

/** A torn or damaged input in compat mode, where the C++ reference implementation gives up on it. */
export class DamagedInputError extends DataError {
  override name = "DamagedInputError";
}

/** No sound chunk in any input: there is nothing to estimate, and no file is written. */
export class NoDataError extends Error {
  override name = "NoDataError";
}

export interface CalibrateSettings {
  /** `.qrsdp` files, read in this order into one set of estimators. */
  files: string[];
  /** Levels per side of the curves; null takes the first file's (5 if that is 0). */
  levels: number | null;
  nMax: number;
  /** Written into the file; null (not with compat) estimates it from the data. */
  spreadSensitivity: number | null;
  imbalanceSensitivity: number;
  /** The C++ reference implementation's estimator and file, quirks included (calibration.md). */
  compat: boolean;
  /** Count censored time at risk too (see ReplayOptions.censored); not with compat. */
  censored: boolean;
  /** Check every chunk's checksum (default true; false is `--no-verify`). */
  verify?: boolean;
}

export interface FileSummary {
  path: string;
  events: number;
  sojourns: number;
  /** Executions whose price was not the replayed best price (a book unlike its header's). */
  priceMismatches: number;
  /** Where the file stops being usable (its sound chunks before were used), or null. */
  damage: string | null;
}

export interface Calibration {
  levels: number;
  nMax: number;
  events: number;
  sojourns: number;
  files: FileSummary[];
  cells: SojournCells;
  /** Written into the file (estimated unless given). */
  spreadSensitivity: number;
  /** The curves file's text. */
  json: string;
}

/**
 * Every `.qrsdp` file of the inputs (the input layer's listing): a run directory stands for its
 * manifest's files, in order, each inside its run; a file reached twice is refused.
 */
export function expandInputs(inputs: string[]): string[] {
  return listInputs(inputs).sessions.map(sessionPath);
}

function readHeader(path: string): FileHeader {
  const log = SessionLog.open(path);
  log.close();
  return log.header;
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
  const bySpread = compat ? null : new SojournCells(levels * SPREAD_BUCKETS);
  const files: FileSummary[] = [];
  let events = 0, sojourns = 0;
  let chunks = 0;
  // Damage is reported after the loop: with no sound chunk at all, in the one error line.
  const damaged: string[] = [];
  for (const path of settings.files) {
    const reader = SessionLog.open(path, { verify: settings.verify });
    let counts;
    try {
      counts = replayFile(reader.header, chunksOf(reader), cells, {
        compat,
        censored: settings.censored,
        onPriceMismatch: compat ? warn : () => {},
      }, bySpread);
    } finally {
      reader.close();
    }
    chunks += reader.chunks;
    const damage = reader.damage;
    if (damage !== null) {
      if (compat) throw new DamagedInputError(damage.detail, { source: path });
      damaged.push(`${damage.message}; using its ${reader.chunks} complete chunks`);
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
      damage: damage?.detail ?? null,
    });
  }
  // The established tool writes its curves from no data at all: --compat does too.
  if (chunks === 0 && !compat) {
    throw new NoDataError(
      `no sound chunk in ${files.length} file${files.length === 1 ? "" : "s"}${
        damaged.length ? ` (${damaged[0].split("; using")[0]})` : ""
      }: nothing to estimate, no curves written`,
    );
  }
  for (const line of damaged) warn(`warning: ${line}`);
  const spreadSensitivity = settings.spreadSensitivity ??
    (bySpread ? estimateSpreadSensitivity(bySpread, levels) : 0.3);
  const json = curvesJson({
    levels,
    nMax: settings.nMax,
    spreadSensitivity,
    imbalanceSensitivity: compat ? 1 : settings.imbalanceSensitivity,
    tables: bySpread
      ? tablesWithoutSpread(cells, bySpread, spreadSensitivity, settings.nMax)
      : curveTables(cells, settings.nMax),
    source: compat ? undefined : describeRun(headers, levels),
  });
  return { levels, nMax: settings.nMax, events, sojourns, files, cells, json, spreadSensitivity };
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
