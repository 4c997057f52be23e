import { DataError } from "../core/errors.ts";

export interface ManifestSession {
  date: string;
  seed: number;
  file: string;
}

export interface ManifestSecurity {
  symbol: string;
  p0_ticks: number;
  tick_size: number;
  levels_per_side: number;
  initial_spread_ticks: number;
  initial_depth: number;
  sessions: ManifestSession[];
}

export interface RunSettings {
  baseSeed: number;
  sessionSeconds: number;
  tickSize: number;
  levelsPerSide: number;
  initialSpreadTicks: number;
  initialDepth: number;
}

/** One security's sessions, named (`symbol` set) or the unnamed one. */
export interface SecuritySessions {
  symbol: string | null;
  p0Ticks: number;
  sessions: ManifestSession[];
}

/** Manifest 1.0 for one unnamed security, 1.1 for named ones (format.md). */
export function buildManifest(run: RunSettings, securities: SecuritySessions[]) {
  const top = {
    format_version: "1.0",
    run_id: `run_${run.baseSeed}`,
    producer: "qrsdp",
    base_seed: run.baseSeed,
    seed_strategy: "sequential",
    session_seconds: run.sessionSeconds,
  };
  const book = {
    tick_size: run.tickSize,
    levels_per_side: run.levelsPerSide,
    initial_spread_ticks: run.initialSpreadTicks,
    initial_depth: run.initialDepth,
  };
  if (securities.length === 1 && securities[0].symbol === null) {
    const { tick_size, ...rest } = book;
    return {
      ...top,
      tick_size,
      p0_ticks: securities[0].p0Ticks,
      ...rest,
      sessions: securities[0].sessions,
    };
  }
  return {
    ...top,
    format_version: "1.1",
    securities: securities.map((s): ManifestSecurity => ({
      symbol: s.symbol!,
      p0_ticks: s.p0Ticks,
      ...book,
      sessions: s.sessions,
    })),
  };
}

/** Writes the manifest atomically, so a reader never sees half of one. */
export function writeManifest(dir: string, manifest: unknown): void {
  const tmp = `${dir}/.manifest.json.tmp`;
  Deno.writeTextFileSync(tmp, JSON.stringify(manifest, null, 2) + "\n");
  Deno.renameSync(tmp, `${dir}/manifest.json`);
}

/** Reads either manifest version into a list of securities and their session files. */
export function readManifest(
  dir: string,
): { raw: Record<string, unknown>; securities: SecuritySessions[] } {
  const path = `${dir}/manifest.json`;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(Deno.readTextFileSync(path));
  } catch (e) {
    throw new DataError(`cannot read the manifest (${(e as Error).message})`, { source: path });
  }
  if (Array.isArray(raw.securities)) {
    return {
      raw,
      securities: (raw.securities as ManifestSecurity[]).map((s) => ({
        symbol: s.symbol,
        p0Ticks: s.p0_ticks,
        sessions: s.sessions,
      })),
    };
  }
  if (Array.isArray(raw.sessions)) {
    return {
      raw,
      securities: [{
        symbol: null,
        p0Ticks: raw.p0_ticks as number,
        sessions: raw.sessions as ManifestSession[],
      }],
    };
  }
  throw new DataError(`has neither "sessions" nor "securities"`, { source: path });
}
