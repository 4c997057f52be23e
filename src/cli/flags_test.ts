import assert from "node:assert/strict";
import { UsageError } from "../core/errors.ts";
import { commandHelp, flags, parseCommand } from "./flags.ts";
import type { CommandSpec, Flag, FlagTable } from "./flags.ts";
import { RUN_COMMAND } from "./run_options.ts";

const SPEC = {
  name: "demo",
  maxPositionals: 3,
  summary: "a command for tests",
  usage: "qrsdp demo [flags]",
  flags: flags({
    count: { type: "number", default: 3, integer: true, min: 1, max: 9, help: "how many" },
    rate: { type: "number", default: 0.5, min: 0, minExclusive: true, help: "how fast" },
    limit: { type: "number", integer: true, min: 0, defaultHelp: "unlimited", help: "cap" },
    mode: { type: "string", default: "a", oneOf: ["a", "b", "c"], help: "which" },
    day: { type: "string", check: { test: (t) => /^\d\d$/.test(t), what: "DD" }, help: "day" },
    loud: { type: "boolean", help: "shout" },
    seed: { type: "u64", default: 42n, help: "seed" },
    at: { type: "string", help: "time" },
  }),
};

const parse = (...args: string[]) => parseCommand(SPEC, args)!;
const usage = (args: string[], message: RegExp) =>
  assert.throws(
    () => parseCommand(SPEC, args),
    (e) => e instanceof UsageError && message.test(e.message),
  );

Deno.test("flags: defaults filled in, given flags typed and listed, positionals kept", () => {
  const p = parse("x", "--count", "4", "--loud", "--mode=b", "y");
  assert.deepEqual(p.values, {
    count: 4,
    rate: 0.5,
    limit: undefined,
    mode: "b",
    day: undefined,
    loud: true,
    seed: 42n,
    at: undefined,
  });
  assert.deepEqual([...p.given].sort(), ["count", "loud", "mode"]);
  assert.deepEqual(p.positionals, ["x", "y"]);
  assert.equal(parse().values.loud, false);
});

Deno.test("flags: every rule's error names the flag and the rule", () => {
  usage(["--count", "x"], /^--count: 'x' is not an integer$/);
  usage(["--count", "2.5"], /^--count: '2.5' is not an integer$/);
  usage(["--count", "10"], /^--count: 10 is out of range \(must be at least 1 and at most 9\)$/);
  usage(["--rate", "0"], /^--rate: 0 is out of range \(must be greater than 0\)$/);
  usage(["--rate", ""], /^--rate: '' is not a number$/);
  usage(["--mode", "d"], /^--mode: 'd' is not a, b or c$/);
  usage(["--day", "1"], /^--day: '1' is not DD$/);
  usage(["--count"], /^--count: missing value .*\(see 'qrsdp demo --help'\)$/);
  usage(["--count", "-1"], /^--count: -1 is out of range \(must be at least 1 and at most 9\)$/);
  usage(["--count", "--loud"], /^--count: missing value/);
  usage(["--bogus"], /^Unknown option '--bogus' \(see 'qrsdp demo --help'\)$/);
});

Deno.test("flags: --name=value, a value after --, a lone -, and what is not a flag", () => {
  const p = parse("--limit=0", "-", "--", "--loud", "-h");
  assert.equal(p.values.limit, 0);
  assert.equal(p.values.loud, false);
  assert.deepEqual(p.positionals, ["-", "--loud", "-h"]);
  usage(["--day", "01", "--day=02"], /^--day is given twice/);
  const out = { ...SPEC, flags: flags({ out: { type: "string", help: "where" } }) };
  assert.equal(parseCommand(out, ["--out", "-"])!.values.out, "-", "a lone - is a value");
  usage(["--loud=yes"], /^Option '--loud' does not take an argument \(see 'qrsdp demo --help'\)$/);
  usage(["-x"], /^Unknown option '-x'/);
  usage(["--constructor"], /^Unknown option '--constructor'/);
});

Deno.test("flags: -h and --help print the help from the table and parse to null", () => {
  const printed: string[] = [];
  const log = console.log;
  console.log = (s: string) => printed.push(s);
  try {
    assert.equal(parseCommand(SPEC, ["-h"]), null);
    assert.equal(parseCommand(SPEC, ["--count", "2", "--help"]), null);
  } finally {
    console.log = log;
  }
  assert.equal(printed[0], commandHelp(SPEC));
  assert.match(printed[0], /^qrsdp demo: a command for tests\n\nUsage: qrsdp demo \[flags\]\n/);
  assert.match(printed[0], /--count <value> +how many \(default 3\)/);
  assert.match(printed[0], /--limit <value> +cap \(default unlimited\)/);
  assert.match(printed[0], /--day <value> +day\n/);
  assert.match(printed[0], /--loud +shout\n/);
  assert.match(printed[0], /--help +show this help \(also -h\)\n/);
  assert.match(printed[0], /--version +print the version$/);
});

/** Every default in a table passes that flag's own validation. */
function checkDefaults(spec: CommandSpec<FlagTable>) {
  const args = Object.entries(spec.flags as Record<string, Flag>).flatMap(([name, f]) =>
    f.type === "boolean" || f.default === undefined ? [] : [`--${name}=${f.default}`]
  );
  const given = parseCommand(spec, args)!.values;
  assert.deepEqual(given, parseCommand(spec, [])!.values, spec.name);
}

Deno.test("flags: the run table's defaults pass their own rules", () => {
  checkDefaults(SPEC);
  checkDefaults(RUN_COMMAND);
});

Deno.test("flags: integers are decimal digits, reals decimal numbers", () => {
  for (const text of ["0x10", "0b11", "0o7", "+5", "1e1", "1_0", " 5", "5.0", "Infinity", "NaN"]) {
    usage(
      ["--count", text],
      new RegExp(`^--count: '${text.replace("+", "\\+")}' is not an integer$`),
    );
  }
  for (const text of ["0x10", "+5", "1_0", "Infinity", "1e400", "."]) {
    usage(["--rate", text], /is not a number$/);
  }
  assert.equal(parse("--rate", "1e-3").values.rate, 0.001);
  assert.equal(parse("--rate", ".5").values.rate, 0.5);
});

Deno.test("flags: u64 values are exact over the whole range", () => {
  assert.equal(parse("--seed", "9007199254740993").values.seed, 9007199254740993n);
  assert.equal(parse("--seed", "18446744073709551615").values.seed, 2n ** 64n - 1n);
  usage(["--seed", "18446744073709551616"], /^--seed: 18446744073709551616 is out of range/);
  usage(["--seed", "-1"], /^--seed: -1 is out of range/);
  usage(["--seed", "0x10"], /^--seed: '0x10' is not an integer$/);
});

Deno.test("flags: a repeated flag, a stray argument, a value starting with '-'", () => {
  usage(["--count", "1", "--count", "2"], /^--count is given twice/);
  usage(["--loud", "--loud"], /^--loud is given twice/);
  usage(["a", "b", "c", "d"], /^unexpected argument 'd' \(see 'qrsdp demo --help'\)$/);
  assert.equal(parse("--at", "-1:00").values.at, "-1:00");
});
