import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { UsageError } from "../core/errors.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** `node:util` parseArgs, strict, with its errors turned into one-line usage errors. */
export function parseFlags<T extends Options>(args: string[], options: T, command: string) {
  try {
    // Defaults are applied by each command, so that "not given" stays visible.
    const bare = Object.fromEntries(
      Object.entries(options).map((
        [name, o],
      ) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]),
    ) as T;
    return parseArgs({ args, options: bare, strict: true, allowPositionals: true });
  } catch (e) {
    const msg = (e as Error).message;
    const missing = /^Option '(--[\w-]+)(?: <value>)?' argument (?:is ambiguous|missing)/.exec(msg);
    const text = missing
      ? `${missing[1]}: missing value (a value starting with '-' is written ${missing[1]}=-1)`
      : msg.split("\n")[0].replace(/\. To specify a positional argument.*$/, "");
    throw new UsageError(`${text} (see 'qrsdp ${command} --help')`);
  }
}

export interface NumberRule {
  min?: number;
  max?: number;
  /** The smallest allowed value is excluded. */
  minExclusive?: boolean;
  integer?: boolean;
}

/** Parses a numeric flag value, naming the flag and the rule it broke. */
export function parseNumber(flag: string, text: string, rule: NumberRule = {}): number {
  const value = text.trim() === "" ? Number.NaN : Number(text);
  const kind = rule.integer ? "an integer" : "a number";
  if (!Number.isFinite(value) || (rule.integer && !Number.isSafeInteger(value))) {
    throw new UsageError(`${flag}: '${text}' is not ${kind}`);
  }
  const { min, max } = rule;
  const belowMin = min !== undefined && (rule.minExclusive ? value <= min : value < min);
  if (belowMin || (max !== undefined && value > max)) {
    const low = min === undefined
      ? ""
      : rule.minExclusive
      ? `greater than ${min}`
      : `at least ${min}`;
    const high = max === undefined ? "" : `at most ${max}`;
    throw new UsageError(
      `${flag}: ${value} is out of range (must be ${[low, high].filter(Boolean).join(" and ")})`,
    );
  }
  return value;
}
