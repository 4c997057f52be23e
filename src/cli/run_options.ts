import { DataError, UsageError } from "../core/errors.ts";
import { isSymbol, SYMBOL_RULE } from "../core/symbol.ts";
import { MAX_LEVELS } from "../book/book.ts";
import { defaultHlrCurves, parseHlrCurves } from "../model/hlr_curves.ts";
import { SIMPLE_DEFAULTS } from "../model/simple.ts";
import { clockSeconds, firstTradingDay, LAST_DATE, lastTradingDate } from "../run/calendar.ts";
import type { SimpleParams } from "../model/simple.ts";
import { applyCurvesSource } from "./curves_source.ts";
import { readRegularText } from "../core/safe_read.ts";
import { REALISM_FLAGS, realismFromFlags } from "./realism_flags.ts";
import { bookSettings } from "../run/config.ts";
import { ownedSecurities } from "../run/config.ts";
import type { RunConfig, Security, Shard } from "../run/config.ts";
import { openingPrices } from "../run/continue_run.ts";
import { dateProblem, flags, parseCommand, parseNumber } from "./flags.ts";
import type { CommandSpec, FlagValues } from "./flags.ts";
import { KAFKA_ENV_HELP, kafkaFromFlags, kafkaProducerFlags } from "./kafka_flags.ts";
import { LIVE_FEED_FLAGS } from "./itch_flags.ts";
import { PACING_FLAGS, pacingFromFlags } from "./pacing_flags.ts";
import { defaultWorkers } from "../run/default_workers.ts";

const rate = (help: string, value: number) =>
  ({ type: "number", default: value, min: 0, help: `simple: ${help}` }) as const;

/** Every `qrsdp run` flag; the help text is printed from this table. */
export const RUN_FLAGS = flags({
  seed: {
    type: "u64",
    default: 42n,
    help: "base seed; security i, day d uses seed + 1024 i + d",
  },
  days: {
    type: "number",
    default: 1,
    integer: true,
    min: 0,
    max: 100_000,
    help: "trading days per security; 0 runs until SIGTERM/SIGINT",
  },
  seconds: {
    type: "number",
    default: 23400,
    integer: true,
    min: 1,
    max: 2 ** 32 - 1,
    help: "simulated seconds per session",
  },
  p0: {
    type: "number",
    default: 10000,
    integer: true,
    min: 1,
    max: 2 ** 31 - 1,
    help: "opening mid price in ticks of $0.01 (not with --securities)",
  },
  output: {
    type: "string",
    noun: "path",
    defaultHelp: "output/run_<seed>",
    help: "run directory",
  },
  "start-date": {
    type: "string",
    default: "2026-01-02",
    problem: dateProblem,
    help: "first trading date (the next trading day when it is not one); then --calendar's days",
  },

  "chunk-size": {
    type: "number",
    default: 4096,
    integer: true,
    min: 1,
    max: 1_000_000,
    help: "records per compressed chunk",
  },
  depth: {
    type: "number",
    default: 5,
    integer: true,
    min: 0,
    max: 1_000_000,
    help: "initial depth of every level (0 means 50)",
  },
  levels: {
    type: "number",
    default: 5,
    integer: true,
    min: 1,
    max: MAX_LEVELS,
    help: `book levels per side, 1 to ${MAX_LEVELS}`,
  },
  securities: {
    type: "string",
    help: "SYM:P0,SYM:P0,... or @FILE of SYMBOL:P0[:base-L=X,...] lines (one folder per symbol)",
  },
  model: {
    type: "string",
    default: "simple",
    oneOf: ["simple", "hlr"],
    help: "intensity model: simple or hlr",
  },
  "hlr-curves": {
    type: "string",
    help: "HLR curves JSON file (implies --model hlr); its K drives the model, --levels the book",
  },
  "base-L": rate("limit order rate", SIMPLE_DEFAULTS.baseL),
  "base-C": rate("cancel rate per resting order", SIMPLE_DEFAULTS.baseC),
  "base-M": rate("market order rate", SIMPLE_DEFAULTS.baseM),
  "imbalance-sens": rate("imbalance sensitivity", SIMPLE_DEFAULTS.imbalanceSens),
  "cancel-sens": rate("cancel sensitivity", SIMPLE_DEFAULTS.cancelSens),
  "epsilon-exec": rate("base execution share", SIMPLE_DEFAULTS.epsilonExec),
  "spread-sens": rate("spread sensitivity", SIMPLE_DEFAULTS.spreadSens),
  "market-open": {
    type: "string",
    default: "09:30",
    check: { test: (text) => clockSeconds(text) !== null, what: "HH:MM" },
    help: "market open, HH:MM local time",
  },
  "theta-reinit": {
    type: "number",
    default: 0,
    min: 0,
    max: 1,
    help: "probability of redrawing the book after a price change",
  },
  "reinit-depth-mean": {
    type: "number",
    default: 10,
    min: 0,
    max: 1e6,
    help: "mean depth of a redrawn level",
  },
  workers: {
    type: "number",
    integer: true,
    min: 1,
    max: 256,
    defaultHelp: "one per core; files only: per security when a few days cannot be shared evenly",
    help: "worker threads, at most one per security (results do not depend on it)",
  },
  ...REALISM_FLAGS,
  ...PACING_FLAGS,
  rate: {
    type: "number",
    min: 0,
    minExclusive: true,
    defaultHelp: "as fast as it can",
    help: "events per wall second across the run (instead of --realtime --speed)",
  },
  "max-events": {
    type: "number",
    integer: true,
    min: 1,
    defaultHelp: "no cap",
    help: "stop after this many events across the run (shared out among the securities)",
  },
  ...kafkaProducerFlags("none: files only", "the generator"),
  ...LIVE_FEED_FLAGS,
  serve: {
    type: "string",
    help: "[HOST:]PORT: show the run in the dashboard while it is generated (HOST 127.0.0.1)",
  },
  quiet: { type: "boolean", help: "no per-day lines, no progress line" },
  json: { type: "boolean", help: "the summary as one JSON document on stdout (no per-day lines)" },
  stats: {
    type: "boolean",
    help: "Kafka acknowledgements on stderr every --stats-interval: events/s, latency p50/p99/max",
  },
  "stats-interval": {
    type: "number",
    default: 5,
    min: 0.1,
    max: 3600,
    help: "seconds between --stats lines",
  },
  force: {
    type: "boolean",
    help:
      "also replace .qrsdp files and a manifest in --output that no qrsdp run's manifest lists " +
      "(a previous run of ours is always replaced)",
  },
  shard: {
    type: "string",
    check: { test: (text) => parseShard(text) !== null, what: "I/N with 0 <= I < N" },
    help: "run only the securities i with i mod N = I (merge the parts with 'qrsdp merge')",
  },
  "first-day": {
    type: "number",
    default: 0,
    integer: true,
    min: 0,
    max: 100_000,
    help: "first day to run (0-based; days before it ran elsewhere: needs --continue)",
  },
  continue: {
    type: "string",
    help: "run directory made with the same flags that holds day --first-day or the day before",
  },
});

/** `I/N` of `--shard`, or null when it is not one. */
export function parseShard(text: string): Shard | null {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text);
  if (!m) return null;
  const index = Number(m[1]), count = Number(m[2]);
  return count >= 1 && index < count ? { index, count } : null;
}

export const RUN_COMMAND: CommandSpec<typeof RUN_FLAGS> = {
  name: "run",
  summary: "generate order book events to .qrsdp files (and Kafka, when brokers are given)",
  usage: "qrsdp run [flags]",
  flags: RUN_FLAGS,
  notes: `${KAFKA_ENV_HELP}
ITCH: --itch-dir, --udp or --multicast publish the ITCH 5.0 feed while generating, the feed
'qrsdp itch' makes from the run's files (see 'qrsdp itch --help'); a failing feed is reported
(exit 1) and the files and Kafka go on.
SIGINT/SIGTERM: finish the event in hand, flush, close every file with its index, write the
manifest, exit 0. A second signal exits at once; files stay readable.`,
};

export type RunFlagValues = FlagValues<typeof RUN_FLAGS>;

/** The simple model's flags a line of `--securities @FILE` may set for its security. */
const SECURITY_PARAMS = {
  "base-L": "baseL",
  "base-C": "baseC",
  "base-M": "baseM",
  "imbalance-sens": "imbalanceSens",
  "cancel-sens": "cancelSens",
  "epsilon-exec": "epsilonExec",
  "spread-sens": "spreadSens",
} as const;

/**
 * `SYM:P0,SYM:P0,...`, or `@FILE` with one `SYMBOL:P0[:KEY=VALUE,...]` a line (KEY: a simple model
 * flag such as base-L; blank lines and lines starting with # are skipped).
 */
export function parseSecurities(text: string): Security[] {
  const seen = new Set<string>();
  const file = text.startsWith("@") ? text.slice(1) : null;
  let items: string[];
  if (file !== null) {
    try {
      items = readRegularText(file).split("\n").map((l) => l.trim());
    } catch (e) {
      throw new DataError(`--securities: ${(e as Error).message}`);
    }
  } else {
    items = text.split(",");
  }
  const where = (n: number) => file === null ? "--securities" : `--securities ${file}:${n + 1}`;
  const out: Security[] = [];
  for (const [n, item] of items.entries()) {
    if (file !== null && (item === "" || item.startsWith("#"))) continue;
    const m = (file === null ? /^([^:]*):([^:]*)$/ : /^([^:]*):([^:]*)(?::(.*))?$/).exec(
      item.trim(),
    );
    if (!m) throw new UsageError(`${where(n)}: '${item}' is not SYM:P0`);
    const symbol = m[1];
    if (!isSymbol(symbol)) {
      throw new UsageError(
        `${where(n)}: symbol '${symbol}' must be ${SYMBOL_RULE} (it names a folder)`,
      );
    }
    if (seen.has(symbol)) throw new UsageError(`${where(n)}: symbol '${symbol}' appears twice`);
    seen.add(symbol);
    const p0Ticks = parseNumber(`${where(n)} ${symbol}`, m[2], RUN_FLAGS.p0);
    const security: Security = { symbol, p0Ticks };
    if (m[3] !== undefined) security.model = securityParams(`${where(n)} ${symbol}`, m[3]);
    out.push(security);
  }
  if (out.length === 0) throw new UsageError(`${where(0)}: no securities`);
  return out;
}

function securityParams(where: string, text: string): Partial<SimpleParams> {
  const model: Partial<SimpleParams> = {};
  for (const pair of text.split(",")) {
    const [key, value] = pair.split("=").map((x) => x.trim());
    if (!(key in SECURITY_PARAMS) || value === undefined) {
      throw new UsageError(
        `${where}: '${pair}' is not KEY=VALUE with KEY one of ${
          Object.keys(SECURITY_PARAMS).join(", ")
        }`,
      );
    }
    const k = key as keyof typeof SECURITY_PARAMS;
    model[SECURITY_PARAMS[k]] = parseNumber(`${where} ${key}`, value, RUN_FLAGS[k]);
  }
  return model;
}

/** Turns parsed `qrsdp run` flags (and the KAFKA_* environment) into a run configuration. */
export function runConfigFromFlags(
  v: RunFlagValues,
  given: ReadonlySet<string>,
  env?: (name: string) => string | undefined,
): RunConfig {
  const curvesPath = v["hlr-curves"];
  const model = curvesPath ? "hlr" : v.model as "simple" | "hlr";
  const levels = v.levels;
  let hlrCurves = null;
  if (curvesPath) {
    let text: string;
    try {
      text = readRegularText(curvesPath);
    } catch (e) {
      throw new DataError(`--hlr-curves: ${(e as Error).message}`);
    }
    hlrCurves = parseHlrCurves(text, curvesPath);
  } else if (model === "hlr") {
    hlrCurves = defaultHlrCurves(levels);
  }
  applyCurvesSource(v, given, hlrCurves?.source);
  if (v.rate !== undefined && (v.realtime || given.has("speed"))) {
    throw new UsageError("--rate paces by wall clock: give it or --realtime --speed, not both");
  }
  if (v.securities && given.has("p0")) {
    throw new UsageError(
      "--p0 with --securities: each security's opening price is its SYM:P0 (give one or the other)",
    );
  }
  const securities = v.securities
    ? parseSecurities(v.securities)
    : [{ symbol: null, p0Ticks: v.p0 }];
  if (model === "hlr" && securities.some((s) => s.model)) {
    throw new UsageError("--securities: per-security model parameters need --model simple");
  }
  const realism = realismFromFlags(v, given);
  const calendar = realism.calendar;
  const startDate = firstTradingDay(v["start-date"], calendar);
  const firstDay = v["first-day"];
  if (startDate === null || lastTradingDate(startDate, firstDay + v.days, calendar) === null) {
    throw new UsageError(
      `--start-date: ${firstDay + v.days} trading days from ${
        v["start-date"]
      } go past ${LAST_DATE}`,
    );
  }
  const shard = v.shard === undefined ? undefined : parseShard(v.shard)!;
  if (shard && !v.securities) throw new UsageError("--shard: give the whole run's --securities");
  if (shard && (v["itch-dir"] || v.udp || v.multicast)) {
    throw new UsageError(
      "--shard: the live ITCH feed needs every security; run 'qrsdp itch' on the merged run",
    );
  }
  if (firstDay > 0 && v.continue === undefined) {
    throw new UsageError("--first-day: give --continue RUN, the run that holds the day before");
  }
  if (v.continue !== undefined && firstDay === 0) {
    throw new UsageError("--continue: give --first-day, the first day to run");
  }
  const kafka = kafkaFromFlags(v, env);
  if (v.stats && !kafka) {
    throw new UsageError("--stats reports Kafka acknowledgements: give --kafka-brokers too");
  }
  const cores = navigator.hardwareConcurrency;
  const cfg: RunConfig = {
    seed: v.seed,
    securities,
    // Never one per security by default: that took 7.9 GB for a thousand securities. A run to
    // Kafka shares the cores with the broker: one worker per core.
    workers: v.workers ?? (kafka ? cores : defaultWorkers(securities.length, v.days, cores)),
    book: bookSettings(levels, v.depth),
    session: {
      days: v.days,
      startDate,
      calendar,
      seconds: v.seconds,
      marketOpenSeconds: clockSeconds(v["market-open"])!,
      maxEvents: v["max-events"] ?? null,
      ...(firstDay > 0 ? { firstDay } : {}),
    },
    model: {
      kind: model,
      simple: {
        baseL: v["base-L"],
        baseC: v["base-C"],
        baseM: v["base-M"],
        imbalanceSens: v["imbalance-sens"],
        cancelSens: v["cancel-sens"],
        epsilonExec: v["epsilon-exec"],
        spreadSens: v["spread-sens"],
      },
      hlrCurves,
      thetaReinit: v["theta-reinit"],
      reinitDepthMean: v["reinit-depth-mean"],
      sizes: realism.sizes,
      activity: realism.activity,
    },
    pacing: { ...pacingFromFlags(v), rate: v.rate ?? null },
    kafka,
    output: {
      dir: v.output ?? `output/run_${v.seed}`,
      chunkSize: v["chunk-size"],
      force: v.force,
    },
    ...(shard ? { shard } : {}),
    ...(v.stats ? { stats: true } : {}),
  };
  const owned = ownedSecurities(cfg);
  if (owned.length === 0) {
    throw new UsageError(
      `--shard ${v.shard}: no security has i mod ${shard!.count} = ${shard!.index} ` +
        `(${securities.length} securities)`,
    );
  }
  if (v.continue !== undefined) {
    const p0s = openingPrices(cfg, v.continue, owned);
    owned.forEach((i, n) => securities[i] = { ...securities[i], p0Ticks: p0s[n] });
  }
  return cfg;
}

/** A run configuration from `qrsdp run` arguments (for tests and benchmarks). */
export async function runConfigFromArgs(
  args: string[],
  env: (name: string) => string | undefined = () => undefined,
): Promise<RunConfig> {
  const parsed = (await parseCommand(RUN_COMMAND, args))!;
  return runConfigFromFlags(parsed.values, parsed.given, env);
}
