import { DataError, UsageError } from "../core/errors.ts";
import { readRegularText } from "../core/safe_read.ts";
import { DEFAULT_REGIMES, normalise, U_SHAPE } from "../model/activity.ts";
import type { ActivitySettings, RegimeSettings } from "../model/activity.ts";
import type { SizeDistribution } from "../model/order_sizes.ts";
import { CALENDARS } from "../run/calendar.ts";
import type { CalendarName } from "../run/calendar.ts";
import { flags } from "./flags.ts";
import type { FlagValues } from "./flags.ts";
import { orderSizesFromFlag } from "./sizes_flag.ts";

/**
 * What `--realism` turns on: each flag given on its own still wins. The NYSE calendar, order
 * sizes of a lognormal law (median e = 2.7 lots, mean 4.5), the intraday U-shape and the
 * default activity regimes.
 */
export const REALISM_SET = {
  calendar: "nyse",
  sizes: "lognormal:1,1",
  intraday: "u",
  regimes: "default",
} as const;

/** The flags of what goes beyond the reference model; each default keeps the reference model. */
export const REALISM_FLAGS = flags({
  calendar: {
    type: "string",
    default: "weekdays",
    oneOf: [...CALENDARS],
    help: "trading days: weekdays (Monday-Friday) or nyse (NYSE holidays, 13:00 early closes)",
  },
  sizes: {
    type: "string",
    default: "fixed",
    help: "order sizes in lots: fixed, geometric:MEAN, lognormal:MU,SIGMA or a curves FILE's " +
      "order_sizes (drawn apart from the events, which stay the same)",
  },
  intraday: {
    type: "string",
    default: "flat",
    help: "activity by time of day: flat, u (the U-shape of docs/model.md) or a curves FILE's " +
      "intraday (a multiplier per 30 minutes)",
  },
  regimes: {
    type: "string",
    default: "none",
    help: "hidden activity regimes: none, default, or M:W,M:W,...@MINUTES (multipliers, their " +
      "weights, mean minutes in one)",
  },
  realism: {
    type: "boolean",
    help:
      `beyond the reference model: --calendar ${REALISM_SET.calendar} --sizes ${REALISM_SET.sizes} ` +
      `--intraday ${REALISM_SET.intraday} --regimes ${REALISM_SET.regimes} (each flag given wins)`,
  },
});

type RealismValues = FlagValues<typeof REALISM_FLAGS>;

export interface RealismSettings {
  calendar: CalendarName;
  sizes: SizeDistribution | null;
  activity: ActivitySettings | null;
}

export function realismFromFlags(v: RealismValues, given: ReadonlySet<string>): RealismSettings {
  const pick = (name: keyof typeof REALISM_SET): string =>
    v.realism && !given.has(name) ? REALISM_SET[name] : v[name];
  const intraday = intradayFromFlag(pick("intraday"));
  const regimes = regimesFromFlag(pick("regimes"));
  return {
    calendar: pick("calendar") as CalendarName,
    sizes: orderSizesFromFlag(pick("sizes")),
    activity: intraday || regimes ? { intraday, regimes } : null,
  };
}

function intradayFromFlag(text: string): number[] | null {
  if (text === "flat") return null;
  if (text === "u") return U_SHAPE;
  const table = (readJson("--intraday", text) as { intraday?: unknown } | null)?.intraday;
  if (
    !Array.isArray(table) || table.length === 0 ||
    !table.every((x) => typeof x === "number" && x > 0 && x < 1e6)
  ) {
    throw new DataError(`--intraday: ${text}: has no intraday array of positive multipliers`);
  }
  return normalise(table);
}

function regimesFromFlag(text: string): RegimeSettings | null {
  if (text === "none") return null;
  if (text === "default") return DEFAULT_REGIMES;
  const m = /^([^@]+)@(.+)$/.exec(text);
  const pairs = m?.[1].split(",").map((p) => p.split(":").map(Number));
  const minutes = Number(m?.[2]);
  if (
    !pairs || !(minutes > 0) ||
    !pairs.every((p) => p.length === 2 && p[0] > 0 && p[0] < 1e3 && p[1] > 0)
  ) {
    throw new UsageError(
      `--regimes: '${text}' is not none, default or M:W,M:W,...@MINUTES (positive numbers)`,
    );
  }
  return {
    multipliers: pairs.map((p) => p[0]),
    weights: pairs.map((p) => p[1]),
    meanSeconds: minutes * 60,
  };
}

function readJson(flag: string, path: string): unknown {
  try {
    return JSON.parse(readRegularText(path));
  } catch (e) {
    throw new DataError(`${flag}: ${path}: ${(e as Error).message}`);
  }
}
