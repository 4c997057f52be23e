import assert from "node:assert/strict";
import { readManifest } from "../../src/format/manifest.ts";
import { QrsdpReader } from "../../src/format/reader.ts";
import { readRecords, runCli, tempDir } from "../helpers.ts";
import { checkFeed } from "./check_feed.ts";
import type { CheckedSession } from "./check_feed.ts";
import { decodeFile } from "./decoder.ts";

/** Generates a run with the CLI; returns its folder. */
async function generate(name: string, flags: string[]): Promise<string> {
  const dir = `${tempDir(`itch_${name}`)}/run`;
  const res = await runCli(["run", ...flags, "--output", dir, "--quiet"]);
  assert.equal(res.code, 0, res.stderr);
  return dir;
}

/** The run's sessions per date, in the manifest's security order. */
function sessionsByDate(run: string): Map<string, CheckedSession[]> {
  const out = new Map<string, CheckedSession[]>();
  for (const s of readManifest(run).securities) {
    for (const x of s.sessions) {
      const path = `${run}/${x.file}`;
      const day = out.get(x.date) ?? [];
      out.set(x.date, day);
      day.push({
        symbol: s.symbol ?? "DEFAULT",
        header: QrsdpReader.open(path).header,
        records: readRecords(path),
      });
    }
  }
  return out;
}

async function itch(args: string[]) {
  const res = await runCli(["itch", ...args]);
  assert.equal(res.code, 0, res.stderr);
  return res;
}

const CASES: { name: string; flags: string[]; lot: number; trades: boolean }[] = [
  {
    name: "simple, three securities, three days",
    flags: [
      "--seed",
      "5",
      "--days",
      "3",
      "--seconds",
      "900",
      "--securities",
      "AB:10000,C.D:20000,E1:500",
    ],
    lot: 100,
    trades: true,
  },
  {
    name: "hlr, two securities, two days, 8 levels, lot 37",
    flags: [
      "--seed",
      "9",
      "--days",
      "2",
      "--seconds",
      "900",
      "--model",
      "hlr",
      "--levels",
      "8",
      "--securities",
      "XX:3000,YY:3001",
    ],
    lot: 37,
    trades: true,
  },
  {
    name: "one unnamed security, one level, depth 2",
    flags: ["--seed", "2", "--days", "2", "--seconds", "600", "--levels", "1", "--depth", "2"],
    lot: 100,
    trades: true,
  },
  {
    name: "--theta-reinit 0.2 (the feed follows the replayed book)",
    flags: [
      "--seed",
      "4",
      "--days",
      "2",
      "--seconds",
      "900",
      "--theta-reinit",
      "0.2",
      "--securities",
      "R:10000,S:10000",
    ],
    lot: 100,
    trades: false,
  },
];

for (const c of CASES) {
  Deno.test(`itch: ${c.name}: a book builder follows the feed record by record`, async () => {
    const run = await generate("case", c.flags);
    const out = `${tempDir("itch_out")}/itch`;
    await itch([run, "--output", out, "--lot-size", String(c.lot), "--quiet"]);
    const days = sessionsByDate(run);
    assert.deepEqual(
      [...Deno.readDirSync(out)].map((e) => e.name).sort(),
      [...days.keys()].map((d) => `${d.replaceAll("-", "")}.qrsdp_ITCH50`),
    );
    for (const [date, sessions] of days) {
      const bytes = Deno.readFileSync(`${out}/${date.replaceAll("-", "")}.qrsdp_ITCH50`);
      const check = checkFeed(decodeFile(bytes), sessions, c.lot);
      assert.ok(check.records > 10_000, `${check.records} records`);
      assert.equal(check.unknownRefs, 0, "unknown order references");
      assert.equal(check.duplicateRefs, 0, "duplicate order references");
      assert.equal(check.negative, 0, "negative levels");
      assert.equal(check.badMatches, 0, "match numbers not 1, 2, 3, ...");
      assert.equal(check.crossed, 0, "crossed books");
      assert.equal(check.mismatches, 0, "records after which the books differ");
      assert.equal(check.badDeletes, 0, "deletes out of FIFO order");
      assert.equal(check.badExecutions, 0, "executions out of FIFO order");
      if (c.trades) assert.deepEqual(check.feedTrades, check.recordTrades, "trade prices");
      else assert.notDeepEqual(check.feedTrades, check.recordTrades, "reinits move trades");
    }
  });
}
