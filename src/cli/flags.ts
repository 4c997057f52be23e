import { UsageError } from "../core/errors.ts";
import { parseIsoDate } from "../run/calendar.ts";
import { VERSION } from "./version.ts";

/**
 * The one flag convention of every command: a table gives each flag its type, its default value
 * (or, where the default is computed, a phrase for the help), its help and its validation.
 * `parseCommand` returns typed values with the defaults filled in, and `commandHelp` prints the
 * help from the same table, so the defaults shown are the defaults used.
 */
export interface NumberRule {
  min?: number;
  max?: number;
  /** The smallest allowed value is excluded. */
  minExclusive?: boolean;
  integer?: boolean;
}

interface FlagBase {
  help: string;
  /** What the help shows as the default when it is not a plain value (computed, from elsewhere). */
  defaultHelp?: string;
}

export interface BooleanFlag extends FlagBase {
  type: "boolean";
}

export interface StringFlag extends FlagBase {
  type: "string";
  default?: string;
  /** The only values allowed. */
  oneOf?: readonly string[];
  /** A rule the value must pass; `what` names the expected form in the error. */
  check?: { test(text: string): boolean; what: string };
  /** Why a value is not usable (null when it is), for rules with more than one way to fail. */
  problem?: (text: string) => string | null;
  /** What the value is, in the error for an empty one ("path": "the path is empty"). */
  noun?: string;
}

export interface NumberFlag extends FlagBase, NumberRule {
  type: "number";
  default?: number;
}

/** An unsigned 64-bit integer, exact (seeds): decimal digits only. */
export interface U64Flag extends FlagBase {
  type: "u64";
  default?: bigint;
}

export type Flag = BooleanFlag | StringFlag | NumberFlag | U64Flag;
export type FlagTable = Record<string, Flag>;

type Value<F> = F extends BooleanFlag ? boolean
  : F extends { type: "number"; default: number } ? number
  : F extends { type: "number" } ? number | undefined
  : F extends { type: "u64"; default: bigint } ? bigint
  : F extends { type: "u64" } ? bigint | undefined
  : F extends { default: string } ? string
  : string | undefined;

export type FlagValues<T extends FlagTable> = { -readonly [K in keyof T]: Value<T[K]> };

/** Keeps a table's literal types (so values are typed), and checks it is a flag table. */
export function flags<const T extends FlagTable>(table: T): T {
  return table;
}

export interface CommandSpec<T extends FlagTable> {
  /** As typed after `qrsdp`: "run", "platform init". */
  name: string;
  summary: string;
  /** One or more usage lines, without "Usage: ". */
  usage: string;
  flags: T;
  /** Printed after the flag list. */
  notes?: string;
  /** How many arguments besides flags the command takes at most (default none). */
  maxPositionals?: number;
}

export interface ParsedCommand<T extends FlagTable> {
  values: FlagValues<T>;
  /** The flags given on the command line (the rest hold their defaults). */
  given: Set<keyof T & string>;
  positionals: string[];
}

/** Why `text` is not a calendar date YYYY-MM-DD (a shape, then a real day), or null. */
export function dateProblem(text: string): string | null {
  if (parseIsoDate(text)) return null;
  return /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? `'${text}' is not a real date`
    : `'${text}' is not YYYY-MM-DD`;
}

/** `--no-verify` of every command that reads logs (the input layer's `verify: false`). */
export const NO_VERIFY_FLAG: BooleanFlag = {
  type: "boolean",
  help: "skip chunk checksums (faster; a changed byte may then go unnoticed)",
};

const HELP_FLAG: BooleanFlag = { type: "boolean", help: "show this help (also -h)" };
const VERSION_FLAG: BooleanFlag = { type: "boolean", help: "print the version" };

/** Help text from a command's table. */
export function commandHelp<T extends FlagTable>(spec: CommandSpec<T>): string {
  const table: FlagTable = { ...spec.flags, help: HELP_FLAG, version: VERSION_FLAG };
  const rows = Object.entries(table).map(([name, f]) => {
    const left = f.type === "boolean" ? `--${name}` : `--${name} <value>`;
    const shown = f.defaultHelp ?? (f.type === "boolean" ? undefined : f.default);
    return [left, f.help + (shown === undefined || shown === "" ? "" : ` (default ${shown})`)];
  });
  const width = Math.max(...rows.map(([l]) => l.length));
  const list = rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`).join("\n");
  return `qrsdp ${spec.name}: ${spec.summary}\n\nUsage: ${
    spec.usage.replace(/\n/g, "\n       ")
  }\n\n${list}${spec.notes ? `\n\n${spec.notes}` : ""}`;
}

/** Arguments as node:util's parseArgs splits them: flag values, positionals, flags in order. */
interface SplitArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  flagsGiven: string[];
}

/**
 * Parses a command's arguments (strict: unknown flags are usage errors) and validates every
 * given value. Returns null after printing the help (`-h`/`--help`) or the version (`--version`).
 * node:util's parseArgs is loaded only when an argument starts with '-': loading it starts Deno's
 * Node compatibility layer, 4-5 ms, nearly a tenth of `info FILE`.
 */
export async function parseCommand<T extends FlagTable>(
  spec: CommandSpec<T>,
  args: string[],
): Promise<ParsedCommand<T> | null> {
  // Arguments that hold no flag are what parseArgs makes of them: positionals.
  if (!args.some((a) => a.startsWith("-"))) {
    return checked(spec, { values: {}, positionals: [...args], flagsGiven: [] });
  }
  const { parseArgs } = await import("node:util");
  const options = Object.fromEntries(
    Object.entries(spec.flags).map(([name, f]) => [
      name,
      { type: f.type === "boolean" ? "boolean" as const : "string" as const },
    ]),
  );
  let parsed;
  try {
    parsed = parseArgs({
      args: joinDashValues(args, spec.flags),
      options: { ...options, help: { type: "boolean", short: "h" }, version: { type: "boolean" } },
      strict: true,
      allowPositionals: true,
      tokens: true,
    });
  } catch (e) {
    const msg = (e as Error).message;
    const missing = /^Option '(--[\w-]+)(?: <value>)?' argument (?:is ambiguous|missing)/.exec(msg);
    const text = missing
      ? `${missing[1]}: missing value (a value starting with '-' is written ${missing[1]}=-1)`
      : msg.split("\n")[0].replace(/\. To specify a positional argument.*$/, "");
    throw new UsageError(`${text} (see 'qrsdp ${spec.name} --help')`);
  }
  return checked(spec, {
    values: parsed.values,
    positionals: parsed.positionals,
    flagsGiven: parsed.tokens.flatMap((t) => t.kind === "option" ? [t.name] : []),
  });
}

/** The help, the version, or the values of parsed arguments, checked against the command. */
function checked<T extends FlagTable>(
  spec: CommandSpec<T>,
  parsed: SplitArgs,
): ParsedCommand<T> | null {
  if (parsed.values.help) {
    console.log(commandHelp(spec));
    return null;
  }
  if (parsed.values.version) {
    console.log(VERSION);
    return null;
  }
  const seen = new Set<string>();
  for (const name of parsed.flagsGiven) {
    if (seen.has(name)) {
      throw new UsageError(`--${name} is given twice (see 'qrsdp ${spec.name} --help')`);
    }
    seen.add(name);
  }
  const extra = parsed.positionals[spec.maxPositionals ?? 0];
  if (extra !== undefined) {
    throw new UsageError(`unexpected argument '${extra}' (see 'qrsdp ${spec.name} --help')`);
  }
  const given = new Set<keyof T & string>();
  const values: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(spec.flags)) {
    const raw = parsed.values[name];
    if (raw !== undefined) given.add(name);
    values[name] = raw === undefined ? defaultOf(f) : flagValue(name, f, raw);
  }
  return { values: values as FlagValues<T>, given, positionals: parsed.positionals };
}

function defaultOf(f: Flag): unknown {
  return f.type === "boolean" ? false : f.default;
}

function flagValue(name: string, f: Flag, raw: string | boolean): unknown {
  if (f.type === "boolean") return raw === true;
  const text = String(raw);
  if (f.type === "number") return parseNumber(`--${name}`, text, f);
  if (f.type === "u64") return parseU64(`--${name}`, text);
  // An empty value is never a default in disguise (`--kafka-topic ""` used the default topic).
  if (text.trim() === "") throw new UsageError(`--${name}: the ${f.noun ?? "value"} is empty`);
  if (f.oneOf && !f.oneOf.includes(text)) {
    throw new UsageError(`--${name}: '${text}' is not ${orList(f.oneOf)}`);
  }
  if (f.check && !f.check.test(text)) {
    throw new UsageError(`--${name}: '${text}' is not ${f.check.what}`);
  }
  const problem = f.problem?.(text);
  if (problem) throw new UsageError(`--${name}: ${problem}`);
  return text;
}

/** "a", "a or b", "a, b or c". */
function orList(items: readonly string[]): string {
  return items.length < 2
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/**
 * A flag's value always follows it, even when it starts with '-' (`--market-open -1:00`,
 * `--days -1`), unless it is itself one of the command's flags: `--x v` becomes `--x=v`.
 */
function joinDashValues(args: string[], table: FlagTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i], next = args[i + 1];
    const f = a.startsWith("--") ? table[a.slice(2)] : undefined;
    const isFlag = (t: string) =>
      ["-h", "--help", "--version"].includes(t) ||
      (t.startsWith("--") && t.slice(2).split("=")[0] in table);
    if (f && f.type !== "boolean" && next?.startsWith("-") && !isFlag(next) && next !== "--") {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** Parses a numeric value (decimal only: no 0x, 0b, +, _), naming the flag and the rule broken. */
export function parseNumber(flag: string, text: string, rule: NumberRule = {}): number {
  const kind = rule.integer ? "an integer" : "a number";
  const value = (rule.integer ? INTEGER : DECIMAL).test(text) ? Number(text) : Number.NaN;
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

const U64_MAX = 2n ** 64n - 1n;

/** An unsigned 64-bit integer in decimal digits, exactly (a seed). */
export function parseU64(flag: string, text: string): bigint {
  if (!INTEGER.test(text)) throw new UsageError(`${flag}: '${text}' is not an integer`);
  const value = BigInt(text);
  if (value < 0n || value > U64_MAX) {
    throw new UsageError(
      `${flag}: ${text} is out of range (must be at least 0 and at most ${U64_MAX})`,
    );
  }
  return value;
}
