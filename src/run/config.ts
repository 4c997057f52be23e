import { RECORD_SIZE } from "../format/record.ts";
import { VERSION_MAJOR, VERSION_MINOR } from "../format/header.ts";
import type { FileHeader } from "../format/header.ts";
import type { RunSettings } from "../format/manifest.ts";
import { HlrModel } from "../model/hlr.ts";
import type { HlrCurves } from "../model/hlr_curves.ts";
import type { IntensityModel } from "../model/intensity.ts";
import type { SessionConfig } from "../model/session.ts";
import { SimpleImbalanceModel } from "../model/simple.ts";
import type { SimpleParams } from "../model/simple.ts";
import type { KafkaSettings } from "../kafka/settings.ts";
import type { PacingSettings } from "./pacer.ts";
import { sessionSecondsOn } from "./calendar.ts";
import type { CalendarName } from "./calendar.ts";
import type { SizeDistribution } from "../model/order_sizes.ts";
import type { ActivitySettings } from "../model/activity.ts";

export interface Security {
  /** Null for the one unnamed security of a run without `--securities`. */
  symbol: string | null;
  p0Ticks: number;
  /** The simple model's parameters this security has of its own (`--securities @FILE`). */
  model?: Partial<SimpleParams>;
}

export interface BookSettings {
  tickSize: number;
  levels: number;
  initialSpreadTicks: number;
  initialDepth: number;
}

export interface SessionSettings {
  /** 0 runs day after day until stopped. */
  days: number;
  /** The first trading date: a trading day of `calendar`. */
  startDate: string;
  /** Trading days and early closes; weekdays when not given. */
  calendar?: CalendarName;
  seconds: number;
  marketOpenSeconds: number;
  /** Run-wide cap on events (`--max-events`), shared out among the securities; null: none. */
  maxEvents: number | null;
  /**
   * The run's first day (`--first-day`, 0-based): days before it were run elsewhere, and the
   * securities' p0 is their open on this day. Absent: 0.
   */
  firstDay?: number;
}

export interface ModelSettings {
  kind: "simple" | "hlr";
  simple: SimpleParams;
  /** Curves for the hlr model (defaults or a `--hlr-curves` file); null for simple. */
  hlrCurves: HlrCurves | null;
  /** Probability of redrawing the book's depths after a price change. */
  thetaReinit: number;
  reinitDepthMean: number;
  /** Order sizes (`--sizes`), which the exports and the ITCH feed give each order; null: one lot. */
  sizes?: SizeDistribution | null;
  /** Activity by time of day and regime (`--intraday`, `--regimes`); null or absent: none. */
  activity?: ActivitySettings | null;
}

export interface OutputSettings {
  dir: string;
  /** Records per compressed chunk. */
  chunkSize: number;
  /** Replace a previous run in `dir` (run_dir.ts says what that removes). */
  force: boolean;
  /** The caller's own files that may sit in `dir` beside the run (the dashboard's metadata). */
  companions?: string[];
}

export interface RunConfig {
  /** u64, exact: the C++ producer's seeds are unsigned 64-bit. */
  seed: bigint;
  securities: Security[];
  workers: number;
  book: BookSettings;
  session: SessionSettings;
  model: ModelSettings;
  /** `rate`: events per wall second across the run (`--rate`), instead of simulated time. */
  pacing: PacingSettings & { rate: number | null };
  kafka: KafkaSettings | null;
  output: OutputSettings;
  /** `run --stats`: the workers report their Kafka acknowledgements as they come. */
  stats?: boolean;
  /** `--shard I/N`: this process runs the securities whose index i has i mod N = I. */
  shard?: Shard;
}

/** Part `index` of `count` of a run (0 <= index < count). */
export interface Shard {
  index: number;
  count: number;
}

/** The indices of the securities this process runs: all of them, or its shard's. */
export function ownedSecurities(cfg: RunConfig): number[] {
  const all = cfg.securities.map((_, i) => i);
  const shard = cfg.shard;
  return shard ? all.filter((i) => i % shard.count === shard.index) : all;
}

/** The C++ producer's tick size and opening spread, which no flag changes. */
const TICK_SIZE = 100;
const INITIAL_SPREAD_TICKS = 2;

export function bookSettings(levels: number, initialDepth: number): BookSettings {
  return { tickSize: TICK_SIZE, levels, initialSpreadTicks: INITIAL_SPREAD_TICKS, initialDepth };
}

/** Security i's day d is seeded `seed + 1024 i + d` (model.md §6), in u64 arithmetic. */
export function sessionSeed(cfg: RunConfig, securityIndex: number, day: number): bigint {
  return BigInt.asUintN(64, cfg.seed + 1024n * BigInt(securityIndex) + BigInt(day));
}

export function sessionFile(security: Security, date: string): string {
  return security.symbol === null ? `${date}.qrsdp` : `${security.symbol}/${date}.qrsdp`;
}

/** The length of the session on `date` (shorter on an early close of the run's calendar). */
export function daySeconds(cfg: RunConfig, date: string): number {
  const { calendar = "weekdays", marketOpenSeconds, seconds } = cfg.session;
  return sessionSecondsOn(date, calendar, marketOpenSeconds, seconds);
}

/**
 * One trading session's settings, for the day seeded `seed` that opens at `p0Ticks` and lasts
 * `seconds` (the run's unless given).
 */
export function sessionConfig(
  cfg: RunConfig,
  seed: bigint,
  p0Ticks: number,
  seconds = cfg.session.seconds,
): SessionConfig {
  return {
    seed,
    p0Ticks,
    levelsPerSide: cfg.book.levels,
    initialSpreadTicks: cfg.book.initialSpreadTicks,
    initialDepth: cfg.book.initialDepth,
    sessionSeconds: seconds,
    marketOpenNs: cfg.session.marketOpenSeconds * 1e9,
    thetaReinit: cfg.model.thetaReinit,
    reinitDepthMean: cfg.model.reinitDepthMean,
    activity: cfg.model.activity ?? null,
  };
}

/** The `.qrsdp` header of that session's file. */
export function fileHeader(
  cfg: RunConfig,
  seed: bigint,
  p0Ticks: number,
  seconds = cfg.session.seconds,
): FileHeader {
  return {
    versionMajor: VERSION_MAJOR,
    versionMinor: VERSION_MINOR,
    recordSize: RECORD_SIZE,
    seed,
    p0Ticks,
    tickSize: cfg.book.tickSize,
    sessionSeconds: seconds,
    levelsPerSide: cfg.book.levels,
    initialSpreadTicks: cfg.book.initialSpreadTicks,
    initialDepth: cfg.book.initialDepth,
    chunkCapacity: cfg.output.chunkSize,
    headerFlags: 0,
    marketOpenNs: cfg.session.marketOpenSeconds * 1e9,
  };
}

/** What the manifest says about the whole run. */
export function manifestSettings(cfg: RunConfig): RunSettings {
  return {
    baseSeed: cfg.seed,
    sessionSeconds: cfg.session.seconds,
    tickSize: cfg.book.tickSize,
    levelsPerSide: cfg.book.levels,
    initialSpreadTicks: cfg.book.initialSpreadTicks,
    initialDepth: cfg.book.initialDepth,
    thetaReinit: cfg.model.thetaReinit,
    ...(cfg.session.calendar === "nyse" ? { calendar: cfg.session.calendar } : {}),
    ...(cfg.model.sizes ? { orderSizes: cfg.model.sizes } : {}),
    ...(cfg.session.firstDay ? { firstDay: cfg.session.firstDay } : {}),
    ...(cfg.shard
      ? { shard: { ...cfg.shard, symbols: cfg.securities.map((s) => s.symbol ?? "") } }
      : {}),
  };
}

export function createModel(cfg: RunConfig, security?: Security): IntensityModel {
  return cfg.model.kind === "hlr"
    ? new HlrModel(cfg.model.hlrCurves!, cfg.model.hlrCurves!.levels)
    : new SimpleImbalanceModel({ ...cfg.model.simple, ...security?.model });
}
