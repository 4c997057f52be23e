import { DataError } from "../core/errors.ts";
import { readRegularText } from "../core/safe_read.ts";
import { isSymbol } from "../core/symbol.ts";
import { toJson } from "../core/json.ts";

export interface ManifestSession {
  date: string;
  seed: bigint;
  file: string;
  /** Set while the session's file is being written (or when the run stopped before its end). */
  in_progress?: true;
  /** Set when a stop ended the session before its close: the file is complete, the day is not. */
  stopped?: true;
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
  baseSeed: bigint;
  sessionSeconds: number;
  tickSize: number;
  levelsPerSide: number;
  initialSpreadTicks: number;
  initialDepth: number;
  /** Written only when above 0: a run whose books cannot be rebuilt from its records alone. */
  thetaReinit: number;
  /** Written only when not weekdays (`nyse`). */
  calendar?: string;
  /** The run's order size distribution (`--sizes`), written only when given and not fixed. */
  orderSizes?: { kind: string } | null;
  /** Written only for part of a run (`run --shard`): which part, and every symbol of the whole. */
  shard?: ManifestShard;
  /** Written only when above 0 (`run --first-day`): the day of the run's first sessions. */
  firstDay?: number;
}

/** The `shard` block of a part's manifest: `qrsdp merge` puts the parts back together by it. */
export interface ManifestShard {
  index: number;
  count: number;
  /** The whole run's symbols, in `--securities` order. */
  symbols: string[];
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
    ...(run.thetaReinit > 0 ? { theta_reinit: run.thetaReinit } : {}),
    ...(run.calendar && run.calendar !== "weekdays" ? { calendar: run.calendar } : {}),
    ...(run.orderSizes && run.orderSizes.kind !== "fixed" ? { order_sizes: run.orderSizes } : {}),
  };
  // After everything a whole run writes, so that without them the bytes are a whole run's.
  const part = {
    ...(run.firstDay ? { first_day: run.firstDay } : {}),
    ...(run.shard ? { shard: run.shard } : {}),
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
      ...part,
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
    ...part,
  };
}

const MANIFEST = "manifest.json";
const MANIFEST_TMP = ".manifest.json.tmp";

/** The manifest's text, u64 seeds exact. */
export function manifestJson(manifest: unknown): string {
  return toJson(manifest, 2) + "\n";
}

/**
 * Writes the manifest atomically, so a reader never sees half of one; when it cannot (a full
 * disk), the previous manifest stays, no temporary file is left, and the error names the file.
 */
export function writeManifest(dir: string, manifest: unknown): void {
  const tmp = `${dir}/${MANIFEST_TMP}`;
  try {
    Deno.writeTextFileSync(tmp, manifestJson(manifest));
    Deno.renameSync(tmp, `${dir}/${MANIFEST}`);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch { /* never made */ }
    throw new DataError(`cannot write (${(e as Error).message})`, { source: `${dir}/${MANIFEST}` });
  }
}

type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json };

/** Integers too large for a number are read as bigints, exactly. */
function parseJson(text: string): Json {
  return JSON.parse(text, function (_key, value, context?: { source?: string }) {
    if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source) {
      if (/^-?\d+$/.test(context.source)) return BigInt(context.source);
    }
    return value;
  });
}

/** Checks a manifest's shape as it is read: every problem names the key and the manifest. */
class Shape {
  constructor(private readonly source: string) {}

  fail(where: string, what: string): never {
    throw new DataError(`${where}: ${what}`, { source: this.source });
  }

  object(v: Json | undefined, where: string): { [key: string]: Json } {
    if (v === null || typeof v !== "object" || Array.isArray(v)) this.fail(where, "not an object");
    return v;
  }

  array(v: Json | undefined, where: string): Json[] {
    if (!Array.isArray(v)) this.fail(where, "not a list");
    return v;
  }

  text(v: Json | undefined, where: string, rule?: (text: string) => boolean): string {
    if (typeof v !== "string" || (rule && !rule(v))) {
      this.fail(where, `${JSON.stringify(v)} is not ${rule ? "valid here" : "text"}`);
    }
    return v;
  }

  integer(v: Json | undefined, where: string): bigint {
    if (typeof v === "bigint" && v >= 0n) return v;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
      this.fail(where, `${JSON.stringify(v)} is not a whole number`);
    }
    return BigInt(v);
  }

  sessions(v: Json | undefined, where: string): ManifestSession[] {
    return this.array(v, where).map((x, i) => {
      const at = `${where}[${i}]`;
      const o = this.object(x, at);
      const session: ManifestSession = {
        date: this.text(o.date, `${at}.date`, (t) => /^\d{4}-\d{2}-\d{2}$/.test(t)),
        seed: this.integer(o.seed, `${at}.seed`),
        file: this.text(o.file, `${at}.file`),
      };
      if (o.in_progress === true) session.in_progress = true;
      if (o.stopped === true) session.stopped = true;
      return session;
    });
  }
}

/**
 * Reads either manifest version into a list of securities and their session files, checking
 * its shape; a file that is not a regular one, or is far larger than a manifest, is refused.
 */
export function readManifest(
  dir: string,
): { raw: { [key: string]: Json }; securities: SecuritySessions[] } {
  const path = `${dir}/${MANIFEST}`;
  const text = readRegularText(path);
  let parsed: Json;
  try {
    parsed = parseJson(text);
  } catch (e) {
    throw new DataError(`not JSON (${(e as Error).message})`, { source: path });
  }
  const shape = new Shape(path);
  const raw = shape.object(parsed, "the manifest");
  if (raw.securities !== undefined) {
    return {
      raw,
      securities: shape.array(raw.securities, "securities").map((x, i) => {
        const s = shape.object(x, `securities[${i}]`);
        return {
          symbol: shape.text(s.symbol, `securities[${i}].symbol`, isSymbol),
          p0Ticks: Number(s.p0_ticks ?? 0),
          sessions: shape.sessions(s.sessions, `securities[${i}].sessions`),
        };
      }),
    };
  }
  if (raw.sessions !== undefined) {
    return {
      raw,
      securities: [{
        symbol: null,
        p0Ticks: Number(raw.p0_ticks ?? 0),
        sessions: shape.sessions(raw.sessions, "sessions"),
      }],
    };
  }
  return shape.fail("the manifest", `has neither "sessions" nor "securities"`);
}
