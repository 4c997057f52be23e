import assert from "node:assert/strict";
import { UsageError } from "../core/errors.ts";
import { commandHelp, dateProblem, flags, parseCommand } from "./flags.ts";
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

const parse = async (...args: string[]) => (await parseCommand(SPEC, args))!;
const usage = (args: string[], message: RegExp) =>
  assert.rejects(
    () => parseCommand(SPEC, args),
    (e) => e instanceof UsageError && message.test(e.message),
  );

Deno.test("flags: defaults filled in, given flags typed and listed, positionals kept", async () => {
  const p = await parse("x", "--count", "4", "--loud", "--mode=b", "y");
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
  assert.equal((await parse()).values.loud, false);
  // Without a flag, parseArgs is not loaded: the arguments are the positionals, as it would say.
  const plain = await parse("x", "y");
  assert.deepEqual(plain.values, (await parse("x", "--", "y")).values);
  assert.deepEqual(plain.positionals, ["x", "y"]);
  assert.equal(plain.given.size, 0);
});

Deno.test("flags: every rule's error names the flag and the rule", async () => {
  await usage(["--count", "x"], /^--count: 'x' is not an integer$/);
  await usage(["--count", "2.5"], /^--count: '2.5' is not an integer$/);
  await usage(
    ["--count", "10"],
    /^--count: 10 is out of range \(must be at least 1 and at most 9\)$/,
  );
  await usage(["--rate", "0"], /^--rate: 0 is out of range \(must be greater than 0\)$/);
  await usage(["--rate", ""], /^--rate: '' is not a number$/);
  await usage(["--mode", "d"], /^--mode: 'd' is not a, b or c$/);
  await usage(["--day", "1"], /^--day: '1' is not DD$/);
  await usage(["--count"], /^--count: missing value .*\(see 'qrsdp demo --help'\)$/);
  await usage(
    ["--count", "-1"],
    /^--count: -1 is out of range \(must be at least 1 and at most 9\)$/,
  );
  await usage(["--count", "--loud"], /^--count: missing value/);
  await usage(["--bogus"], /^Unknown option '--bogus' \(see 'qrsdp demo --help'\)$/);
});

Deno.test("flags: --name=value, a value after --, a lone -, and what is not a flag", async () => {
  const p = await parse("--limit=0", "-", "--", "--loud", "-h");
  assert.equal(p.values.limit, 0);
  assert.equal(p.values.loud, false);
  assert.deepEqual(p.positionals, ["-", "--loud", "-h"]);
  await usage(["--day", "01", "--day=02"], /^--day is given twice/);
  const out = { ...SPEC, flags: flags({ out: { type: "string", help: "where" } }) };
  assert.equal((await parseCommand(out, ["--out", "-"]))!.values.out, "-", "a lone - is a value");
  await usage(
    ["--loud=yes"],
    /^Option '--loud' does not take an argument \(see 'qrsdp demo --help'\)$/,
  );
  await usage(["-x"], /^Unknown option '-x'/);
  await usage(["--constructor"], /^Unknown option '--constructor'/);
});

Deno.test("flags: -h and --help print the help from the table and parse to null", async () => {
  const printed: string[] = [];
  const log = console.log;
  console.log = (s: string) => printed.push(s);
  try {
    assert.equal(await parseCommand(SPEC, ["-h"]), null);
    assert.equal(await parseCommand(SPEC, ["--count", "2", "--help"]), null);
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
async function checkDefaults(spec: CommandSpec<FlagTable>) {
  const args = Object.entries(spec.flags as Record<string, Flag>).flatMap(([name, f]) =>
    f.type === "boolean" || f.default === undefined ? [] : [`--${name}=${f.default}`]
  );
  const given = (await parseCommand(spec, args))!.values;
  assert.deepEqual(given, (await parseCommand(spec, []))!.values, spec.name);
}

Deno.test("flags: the run table's defaults pass their own rules", async () => {
  await checkDefaults(SPEC);
  await checkDefaults(RUN_COMMAND);
});

Deno.test("flags: integers are decimal digits, reals decimal numbers", async () => {
  for (const text of ["0x10", "0b11", "0o7", "+5", "1e1", "1_0", " 5", "5.0", "Infinity", "NaN"]) {
    await usage(
      ["--count", text],
      new RegExp(`^--count: '${text.replace("+", "\\+")}' is not an integer$`),
    );
  }
  for (const text of ["0x10", "+5", "1_0", "Infinity", "1e400", "."]) {
    await usage(["--rate", text], /is not a number$/);
  }
  assert.equal((await parse("--rate", "1e-3")).values.rate, 0.001);
  assert.equal((await parse("--rate", ".5")).values.rate, 0.5);
});

Deno.test("flags: u64 values are exact over the whole range", async () => {
  assert.equal((await parse("--seed", "9007199254740993")).values.seed, 9007199254740993n);
  assert.equal((await parse("--seed", "18446744073709551615")).values.seed, 2n ** 64n - 1n);
  await usage(["--seed", "18446744073709551616"], /^--seed: 18446744073709551616 is out of range/);
  await usage(["--seed", "-1"], /^--seed: -1 is out of range/);
  await usage(["--seed", "0x10"], /^--seed: '0x10' is not an integer$/);
});

Deno.test("flags: a repeated flag, a stray argument, a value starting with '-'", async () => {
  await usage(["--count", "1", "--count", "2"], /^--count is given twice/);
  await usage(["--loud", "--loud"], /^--loud is given twice/);
  await usage(["a", "b", "c", "d"], /^unexpected argument 'd' \(see 'qrsdp demo --help'\)$/);
  assert.equal((await parse("--at", "-1:00")).values.at, "-1:00");
});

Deno.test("flags: an empty or blank string value is refused for every string flag", async () => {
  // `consume --kafka-topic ""` used the default topic; `run --securities ""` was accepted.
  await usage(["--at", ""], /^--at: the value is empty$/);
  await usage(["--at=  "], /^--at: the value is empty$/);
  await usage(["--mode", ""], /^--mode: the value is empty$/);
  const path = { ...SPEC, flags: flags({ out: { type: "string", noun: "path", help: "o" } }) };
  await assert.rejects(
    () => parseCommand(path, ["--out="]),
    /^UsageError: --out: the path is empty$/,
  );
});

Deno.test("flags: a date that has the shape but not the day says so", () => {
  // `--start-date 2026-02-30` said "is not YYYY-MM-DD".
  assert.equal(dateProblem("2026-02-30"), "'2026-02-30' is not a real date");
  assert.equal(dateProblem("2026-13-01"), "'2026-13-01' is not a real date");
  assert.equal(dateProblem("2026-2-3"), "'2026-2-3' is not YYYY-MM-DD");
  assert.equal(dateProblem("2028-02-29"), null);
});

Deno.test("flags: the commands' own rules reach every command through the table", async () => {
  const run = (args: string[]) => parseCommand(RUN_COMMAND, args);
  await assert.rejects(
    () => run(["--start-date", "2026-02-30"]),
    /--start-date: '2026-02-30' is not a real date/,
  );
  await assert.rejects(() => run(["--securities", ""]), /--securities: the value is empty/);
  // A speed of 1e-300 was accepted: a run that would never end.
  await assert.rejects(
    () => run(["--speed", "1e-300"]),
    /--speed: 1e-300 is out of range \(must be at least 0.001/,
  );
  await assert.rejects(() => run(["--speed", "1e300"]), /--speed: 1e\+300 is out of range/);
  await assert.rejects(() => run(["--kafka-topic", ""]), /--kafka-topic: the value is empty/);
  await assert.rejects(
    () => run(["--udp", "256.1.1.1:5000"]),
    /--udp: '256.1.1.1:5000' is not HOST:PORT/,
  );
});
