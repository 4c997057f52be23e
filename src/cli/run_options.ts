import { defaultHlrCurves, parseHlrCurves } from "../model/hlr_curves.ts";
import { SIMPLE_DEFAULTS } from "../model/simple.ts";
import { MAX_LEVELS } from "../book/book.ts";
import { parseIsoDate } from "../run/calendar.ts";
import type { KafkaSettings, RunConfig, Security } from "../run/config.ts";
import { DataError, UsageError } from "./errors.ts";
import { kafkaFlags } from "./kafka_options.ts";
import { parseNumber } from "./parse.ts";
import { kafkaSettings } from "./kafka_options.ts";

/** Every `qrsdp run` flag with its default; the help text is printed from this table. */
export const RUN_FLAGS = {
  seed: {
    type: "string",
    default: "42",
    help: "base seed; security i, day d uses seed + 1024 i + d",
  },
  days: {
    type: "string",
    default: "1",
    help: "trading days per security; 0 runs until SIGTERM/SIGINT",
  },
  seconds: { type: "string", default: "23400", help: "simulated seconds per session" },
  p0: {
    type: "string",
    default: "10000",
    help: "opening mid price in ticks (without --securities)",
  },
  output: { type: "string", default: "output/run_<seed>", help: "run directory" },
  "start-date": {
    type: "string",
    default: "2026-01-02",
    help: "first trading date; then Monday-Friday",
  },
  "chunk-size": { type: "string", default: "4096", help: "records per compressed chunk" },
  depth: { type: "string", default: "5", help: "initial depth of every level (0 means 50)" },
  levels: { type: "string", default: "5", help: "book levels per side, 1 to 64" },
  securities: { type: "string", default: "", help: "SYM:P0,SYM:P0,... (one folder per symbol)" },
  model: { type: "string", default: "simple", help: "intensity model: simple or hlr" },
  "hlr-curves": { type: "string", default: "", help: "HLR curves JSON file (implies --model hlr)" },
  "base-L": {
    type: "string",
    default: String(SIMPLE_DEFAULTS.baseL),
    help: "simple: limit order rate",
  },
  "base-C": {
    type: "string",
    default: String(SIMPLE_DEFAULTS.baseC),
    help: "simple: cancel rate per resting order",
  },
  "base-M": {
    type: "string",
    default: String(SIMPLE_DEFAULTS.baseM),
    help: "simple: market order rate",
  },
  "imbalance-sens": {
    type: "string",
    default: String(SIMPLE_DEFAULTS.imbalanceSens),
    help: "simple: imbalance sensitivity",
  },
  "cancel-sens": {
    type: "string",
    default: String(SIMPLE_DEFAULTS.cancelSens),
    help: "simple: cancel sensitivity",
  },
  "epsilon-exec": {
    type: "string",
    default: String(SIMPLE_DEFAULTS.epsilonExec),
    help: "simple: base execution share",
  },
  "spread-sens": {
    type: "string",
    default: String(SIMPLE_DEFAULTS.spreadSens),
    help: "simple: spread sensitivity",
  },
  "market-open": { type: "string", default: "09:30", help: "market open, HH:MM local time" },
  "theta-reinit": {
    type: "string",
    default: "0",
    help: "probability of redrawing the book after a price change",
  },
  "reinit-depth-mean": { type: "string", default: "10", help: "mean depth of a redrawn level" },
  workers: {
    type: "string",
    default: "one per security",
    help: "worker threads (results do not depend on it)",
  },
  realtime: { type: "boolean", default: false, help: "pace events to simulated time" },
  speed: {
    type: "string",
    default: "100",
    help: "with --realtime: simulated seconds per wall second",
  },
  "overnight-seconds": {
    type: "string",
    default: "3",
    help: "with --realtime: pause between days",
  },
  ...kafkaFlags("none: files only", "the generator"),
  quiet: { type: "boolean", default: false, help: "no per-day lines" },
  help: { type: "boolean", default: false, help: "show this help" },
} as const;

type Flags = { [K in keyof typeof RUN_FLAGS]?: string | boolean };

const SYMBOL = /^[A-Z0-9._-]{1,16}$/;

export function parseSecurities(text: string): Security[] {
  const seen = new Set<string>();
  return text.split(",").map((item) => {
    const m = /^([^:]*):(.*)$/.exec(item.trim());
    if (!m) throw new UsageError(`--securities: '${item}' is not SYM:P0`);
    const symbol = m[1];
    if (!SYMBOL.test(symbol) || symbol === "." || symbol === "..") {
      throw new UsageError(
        `--securities: symbol '${symbol}' must be 1-16 of A-Z 0-9 . _ - (it names a folder)`,
      );
    }
    if (seen.has(symbol)) throw new UsageError(`--securities: symbol '${symbol}' appears twice`);
    seen.add(symbol);
    const p0Ticks = parseNumber(`--securities ${symbol}`, m[2], {
      integer: true,
      min: 1,
      max: 2 ** 31 - 1,
    });
    return { symbol, p0Ticks };
  });
}

export function parseMarketOpen(text: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m || +m[1] > 23 || +m[2] > 59) throw new UsageError(`--market-open: '${text}' is not HH:MM`);
  return +m[1] * 3600 + +m[2] * 60;
}

/** Turns parsed `qrsdp run` flags (and the KAFKA_* environment) into a run configuration. */
export function runConfigFromFlags(
  flags: Flags,
  env: (name: string) => string | undefined,
): RunConfig {
  const str = (k: keyof typeof RUN_FLAGS) => String(flags[k] ?? RUN_FLAGS[k].default);
  const int = (k: keyof typeof RUN_FLAGS, min: number, max: number) =>
    parseNumber(`--${k}`, str(k), { integer: true, min, max });
  const real = (k: keyof typeof RUN_FLAGS, min = 0) => parseNumber(`--${k}`, str(k), { min });

  const seed = int("seed", 0, 2 ** 52);
  const days = int("days", 0, 100_000);
  const startDate = str("start-date");
  if (!parseIsoDate(startDate)) {
    throw new UsageError(`--start-date: '${startDate}' is not YYYY-MM-DD`);
  }
  const curvesPath = str("hlr-curves");
  const model = curvesPath ? "hlr" : str("model");
  if (model !== "simple" && model !== "hlr") {
    throw new UsageError(`--model: '${model}' is not simple or hlr`);
  }
  let levels = int("levels", 1, MAX_LEVELS);
  let hlrCurves = null;
  if (curvesPath) {
    let text: string;
    try {
      text = Deno.readTextFileSync(curvesPath);
    } catch (e) {
      throw new DataError(`--hlr-curves: cannot read ${curvesPath} (${(e as Error).message})`);
    }
    hlrCurves = parseHlrCurves(text, curvesPath);
    if (flags.levels !== undefined && levels !== hlrCurves.levels) {
      throw new UsageError(
        `--levels ${levels} disagrees with K=${hlrCurves.levels} in ${curvesPath}`,
      );
    }
    levels = hlrCurves.levels;
  } else if (model === "hlr") {
    hlrCurves = defaultHlrCurves(levels);
  }
  const securitiesText = str("securities");
  const securities = securitiesText
    ? parseSecurities(securitiesText)
    : [{ symbol: null, p0Ticks: int("p0", 1, 2 ** 31 - 1) }];
  const speed = parseNumber("--speed", str("speed"), { min: 0, minExclusive: true });
  const output = flags.output === undefined ? `output/run_${seed}` : str("output");
  const kafka: KafkaSettings | null = kafkaSettings(
    {
      brokers: flags["kafka-brokers"] as string | undefined,
      topic: flags["kafka-topic"] as string | undefined,
      maxInFlight: int("kafka-max-in-flight", 1, 10_000_000),
      timeoutSeconds: real("kafka-timeout"),
      recordsPerMessage: flags["kafka-records-per-message"] as string | undefined,
      lingerMs: int("kafka-linger-ms", 0, 60_000),
    },
    env,
  );
  return {
    seed,
    days,
    sessionSeconds: int("seconds", 1, 2 ** 32 - 1),
    output,
    startDate,
    chunkSize: int("chunk-size", 1, 1_000_000),
    initialDepth: int("depth", 0, 1_000_000),
    levels,
    initialSpreadTicks: 2,
    tickSize: 100,
    securities,
    model,
    hlrCurves,
    simple: {
      baseL: real("base-L"),
      baseC: real("base-C"),
      baseM: real("base-M"),
      imbalanceSens: real("imbalance-sens"),
      cancelSens: real("cancel-sens"),
      epsilonExec: real("epsilon-exec"),
      spreadSens: real("spread-sens"),
    },
    marketOpenSeconds: parseMarketOpen(str("market-open")),
    thetaReinit: parseNumber("--theta-reinit", str("theta-reinit"), { min: 0, max: 1 }),
    reinitDepthMean: parseNumber("--reinit-depth-mean", str("reinit-depth-mean"), {
      min: 0,
      max: 1e6,
    }),
    realtime: flags.realtime === true,
    speed,
    overnightSeconds: real("overnight-seconds"),
    workers: flags.workers === undefined
      ? securities.length
      : parseNumber("--workers", String(flags.workers), { integer: true, min: 1, max: 256 }),
    kafka,
  };
}
