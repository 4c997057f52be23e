import assert from "node:assert/strict";
import { UsageError } from "../core/errors.ts";
import { commandHelp, flags, parseCommand } from "./flags.ts";
import type { CommandSpec, Flag, FlagTable } from "./flags.ts";
import { RUN_COMMAND } from "./run_options.ts";

const SPEC = {
  name: "demo",
  summary: "a command for tests",
  usage: "qrsdp demo [flags]",
  flags: flags({
    count: { type: "number", default: 3, integer: true, min: 1, max: 9, help: "how many" },
    rate: { type: "number", default: 0.5, min: 0, minExclusive: true, help: "how fast" },
    limit: { type: "number", integer: true, min: 0, defaultHelp: "unlimited", help: "cap" },
    mode: { type: "string", default: "a", oneOf: ["a", "b", "c"], help: "which" },
    day: { type: "string", check: { test: (t) => /^\d\d$/.test(t), what: "DD" }, help: "day" },
    loud: { type: "boolean", help: "shout" },
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
  usage(
    ["--count", "-1"],
    /^--count: missing value \(a value starting with '-' is written --count=-1\)/,
  );
  usage(["--bogus"], /^Unknown option '--bogus' \(see 'qrsdp demo --help'\)$/);
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
  assert.match(printed[0], /--help +show this help \(also -h\)$/);
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
