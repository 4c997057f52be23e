/**
 * Order identities in every export, over several models and flags: LOBSTER's book rebuilt from
 * its message file alone (tests/lobster_reader.ts) equals its order book file on every line and
 * every cancel or execution names a resting order; the CSV's, JSON Lines' and Parquet's
 * order_ref of each add, cancel and execution is LOBSTER's message for it, in the same order.
 */
import assert from "node:assert/strict";
import { rebuildLobster } from "./lobster_reader.ts";
import { ROOT, runCli, tempDir } from "./helpers.ts";

const PYTHON = `${ROOT}/tests/clickhouse/.venv/bin/python`;

const RUNS: [string, string[]][] = [
  ["simple", []],
  ["hlr", ["--model", "hlr"]],
  ["one level, deep", ["--levels", "1", "--depth", "0"]],
  ["wide book, thin", ["--levels", "12", "--depth", "1", "--base-M", "40"]],
  ["sizes", ["--sizes", "geometric:4"]],
  ["lognormal sizes, hlr", ["--sizes", "lognormal:1,0.8", "--model", "hlr", "--levels", "3"]],
];

/** LOBSTER's (type, order id) of every message, as "type:id". */
function lobsterSequence(messages: string): string[] {
  return messages.trimEnd().split("\n").map((l) => {
    const f = l.split(",");
    return `${f[1]}:${f[2]}`;
  });
}

/** Which LOBSTER type a record of this event type gives its own order. */
const LOBSTER_TYPE = [1, 1, 3, 3, 4, 4];

/** Rows' [type, order_ref, shares] in order appear in LOBSTER's messages in that order. */
function assertSubsequence(rows: number[][], sequence: string[], sizes: Map<number, number>) {
  let at = 0;
  let matched = 0;
  for (const [type, ref, shares] of rows) {
    if (ref === 0) continue;
    const want = `${LOBSTER_TYPE[type]}:${ref}`;
    while (at < sequence.length && sequence[at] !== want) at++;
    assert.ok(at < sequence.length, `row of type ${type}, order ${ref}: not in LOBSTER's order`);
    assert.equal(shares, sizes.get(ref), `order ${ref}'s shares`);
    at++;
    matched++;
  }
  assert.ok(matched > rows.length * 0.9, `${matched} of ${rows.length} rows concern an order`);
}

for (const [name, flags] of RUNS) {
  Deno.test(`order identities: ${name} (${flags.join(" ") || "defaults"})`, async () => {
    const run = tempDir("ids_run");
    const out = tempDir("ids_out");
    const made = await runCli([
      ...["run", "--seconds", "120", "--days", "2", "--securities", "AAA:10000,BBB:500"],
      ...flags,
      ...["--output", run, "--quiet"],
    ]);
    assert.equal(made.code, 0, made.stderr);
    for (const format of ["lobster", "csv", "jsonl", "parquet"]) {
      const dir = `${out}/${format}`;
      const r = await runCli(["export", run, "--format", format, "--output", dir, "--quiet"]);
      assert.equal(r.code, 0, r.stderr);
    }
    const manifest = JSON.parse(Deno.readTextFileSync(`${run}/manifest.json`));
    for (const security of manifest.securities) {
      const k = security.levels_per_side;
      for (const { date } of security.sessions) {
        const stem = `${security.symbol}_${date}`;
        const [message] = [...Deno.readDirSync(`${out}/lobster`)].map((e) => e.name)
          .filter((n) => n.startsWith(`${security.symbol}_${date}_`) && n.includes("_message_"));
        const messages = Deno.readTextFileSync(`${out}/lobster/${message}`);
        const books = Deno.readTextFileSync(
          `${out}/lobster/${message.replace("_message_", "_orderbook_")}`,
        );
        const check = rebuildLobster(messages, books, k);
        assert.deepEqual(check.problems, [], message);
        assert.deepEqual(Object.keys(check.types), ["1", "3", "4"]);
        const sizes = new Map(check.submitted.map((id, i) => [id, check.sizes[i]]));
        const sequence = lobsterSequence(messages);

        const csv = Deno.readTextFileSync(`${out}/csv/${stem}.csv`).trimEnd().split("\n");
        const header = csv[0].split(",");
        assert.equal(header.at(-1), "order_ref");
        const [type, ref, shares] = ["type", "order_ref", "shares"].map((c) => header.indexOf(c));
        const csvRows = csv.slice(1).map((l) => {
          const f = l.split(",").map(Number);
          return [f[type], f[ref], f[shares]];
        });
        assertSubsequence(csvRows, sequence, sizes);

        const jsonl = Deno.readTextFileSync(`${out}/jsonl/${stem}.jsonl`).trimEnd().split("\n")
          .map((l) => JSON.parse(l)).map((o) => [o.type, o.order_ref, o.shares]);
        assert.deepEqual(jsonl, csvRows);

        const parquet = new TextDecoder().decode(
          (await new Deno.Command(PYTHON, {
            args: [
              "-c",
              `import json, sys, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1], columns=["type", "order_ref", "shares"]).to_pydict()
print(json.dumps([list(r) for r in zip(t["type"], t["order_ref"], t["shares"])]))`,
              `${out}/parquet/${stem}.parquet`,
            ],
            stdout: "piped",
          }).output()).stdout,
        );
        assert.deepEqual(JSON.parse(parquet), csvRows);
      }
    }
    Deno.removeSync(run, { recursive: true });
    Deno.removeSync(out, { recursive: true });
  });
}

Deno.test("order identities: --theta-reinit runs are refused, with the reason", async () => {
  const run = tempDir("ids_theta");
  const out = tempDir("ids_theta_out");
  const made = await runCli([
    ...["run", "--seconds", "300", "--theta-reinit", "0.5", "--output", run, "--quiet"],
  ]);
  assert.equal(made.code, 0, made.stderr);
  const lobster = await runCli(["export", run, "--format", "lobster", "--output", out]);
  assert.equal(lobster.code, 2);
  assert.match(lobster.stderr, /--theta-reinit 0\.5, which redraws the book's depths/);
  const csv = await runCli(["export", run, "--format", "csv", "--output", out, "--quiet"]);
  assert.equal(csv.code, 0, csv.stderr);
  assert.match(csv.stderr, /note: .*order_ref is 0: made with --theta-reinit 0\.5/);
  const rows = Deno.readTextFileSync(`${out}/DEFAULT_2026-01-02.csv`).trimEnd().split("\n");
  assert.ok(rows.length > 1000);
  assert.ok(rows.slice(1).every((l) => l.endsWith(",0")));
  Deno.removeSync(run, { recursive: true });
  Deno.removeSync(out, { recursive: true });
});
