/**
 * Calibration end to end: the default round trip (calibrate a run, run with its curves, get the
 * same stock back), LOBSTER exports calibrated like their .qrsdp logs, and compare's distances.
 */
import assert from "node:assert/strict";
import { calibrate, expandInputs } from "../src/calibrate/calibrate.ts";
import { calibrateLobster, lobsterPairs } from "../src/calibrate/lobster_calibrate.ts";
import { ASK, BID } from "../src/calibrate/sojourns.ts";
import type { SojournCells } from "../src/calibrate/sojourns.ts";
import { calibrateItch } from "../src/calibrate/itch_calibrate.ts";
import { curvesJson } from "../src/calibrate/curves_json.ts";
import { lobsterRealism, qrsdpRealism } from "../src/calibrate/realism_sources.ts";
import { compareStats } from "../src/calibrate/realism_compare.ts";
import { defaultHlrCurves } from "../src/model/hlr_curves.ts";
import { runCli, tempDir } from "./helpers.ts";

async function cli(args: string[]): Promise<string> {
  const res = await runCli(args);
  assert.equal(res.code, 0, `${args.join(" ")}: ${res.stderr}`);
  return res.stdout;
}

/** Events per day and the share of each type (percent), from the run's files. */
function flow(run: string) {
  const s = qrsdpRealism(expandInputs([run]), null);
  const byType = s.rates.map((r) => r.reduce((a, b) => a + b, 0));
  const total = byType.reduce((a, b) => a + b, 0);
  return { perDay: s.events / s.periods, mix: byType.map((r) => (100 * r) / total) };
}

/** The spread sensitivity each model generates with (model.md): the file should say about as much. */
for (
  const [model, flags, spread] of [["simple", [], 0.4], ["hlr", ["--model", "hlr"], 0.3]] as const
) {
  Deno.test(`default round trip (${model}): calibrate RUN, then run --hlr-curves gives its events per day within 5% and its mix within 2 points`, async () => {
    const dir = tempDir(`round_${model}`);
    try {
      const common = ["--days", "2", "--seconds", "3600", "--quiet"];
      await cli(["run", ...flags, ...common, "--seed", "3", "--output", `${dir}/src`]);
      await cli(["calibrate", `${dir}/src`, "--output", `${dir}/c.json`]);
      const written = JSON.parse(Deno.readTextFileSync(`${dir}/c.json`));
      assert.ok(
        Math.abs(written.spread_sensitivity - spread) < 0.05,
        String(written.spread_sensitivity),
      );
      assert.equal(written.imbalance_sensitivity, 0);
      await cli([
        "run",
        "--hlr-curves",
        `${dir}/c.json`,
        "--days",
        "2",
        "--quiet",
        "--seed",
        "4",
        "--output",
        `${dir}/sim`,
      ]);
      const a = flow(`${dir}/src`), b = flow(`${dir}/sim`);
      assert.ok(
        Math.abs(b.perDay / a.perDay - 1) < 0.05,
        `${b.perDay} events a day against ${a.perDay}`,
      );
      a.mix.forEach((share, type) =>
        assert.ok(
          Math.abs(b.mix[type] - share) < 2,
          `type ${type}: ${b.mix[type]}% against ${share}%`,
        )
      );
      // The session length came from the curves file, not run's default of 23400 s.
      const manifest = JSON.parse(Deno.readTextFileSync(`${dir}/sim/manifest.json`));
      assert.equal(manifest.session_seconds, 3600);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
}

/** Cells of `q` with >= 1000 sojourns at levels 0..K-2 where `other`'s rate is more than 5% off. */
function offCells(q: SojournCells, other: SojournCells): { cells: number; off: string[] } {
  let cells = 0;
  const off: string[] = [];
  for (const side of [BID, ASK]) {
    for (let k = 0; k < 4; k++) {
      for (let n = 0; n <= 100; n++) {
        if (q.count(side, k, n) < 1000) continue;
        for (let type = 0; type < 6; type++) {
          const a = q.rate(side, k, n, type), b = other.rate(side, k, n, type);
          if (a === 0 && b === 0) continue;
          cells++;
          if (Math.abs(b - a) > 0.05 * a) {
            off.push(`side ${side} level ${k} n ${n} type ${type}: ${b} vs ${a}`);
          }
        }
      }
    }
  }
  return { cells, off };
}

Deno.test("LOBSTER and ITCH (gzip) exports of a run calibrate like the run: every cell with >= 1000 sojourns at levels 0..K-2 within 5%", async () => {
  const dir = tempDir("lobster_round");
  try {
    const truth = curvesJson({
      levels: 5,
      nMax: 100,
      spreadSensitivity: 0,
      imbalanceSensitivity: 0,
      tables: defaultHlrCurves(5),
    });
    Deno.writeTextFileSync(`${dir}/truth.json`, truth);
    await cli([
      "run",
      "--hlr-curves",
      `${dir}/truth.json`,
      "--days",
      "1",
      "--seconds",
      "7200",
      "--seed",
      "8",
      "--quiet",
      "--output",
      `${dir}/run`,
    ]);
    await cli(["export", `${dir}/run`, "--format", "lobster", "--output", `${dir}/lob`, "--quiet"]);
    await cli(["itch", `${dir}/run`, "--gzip", "--output", `${dir}/itch`]);
    const settings = { levels: 5, nMax: 100, spreadSensitivity: 0, imbalanceSensitivity: 0 };
    const q = calibrate({
      ...settings,
      files: expandInputs([`${dir}/run`]),
      compat: false,
      censored: true,
    }, () => {});
    const real = { ...settings, tick: null, unit: "aes" as const, lot: 1 };
    const l = await calibrateLobster(lobsterPairs([`${dir}/lob`]), real);
    assert.equal(l.tick, 100);
    assert.deepEqual(l.aes, [100, 100, 100, 100, 100], "export's --lot-size: 100 shares a unit");
    assert.equal(l.trustedLevels, 5);
    const lobster = offCells(q.cells, l.cells);
    assert.ok(lobster.cells > 50, `only ${lobster.cells} cells`);
    assert.deepEqual(lobster.off, []);
    const gz = `${dir}/itch/${[...Deno.readDirSync(`${dir}/itch`)][0].name}`;
    assert.match(gz, /\.gz$/);
    const i = (await calibrateItch(gz, ["DEFAULT"], real)).get("DEFAULT")!;
    assert.equal(i.tick, 100);
    assert.deepEqual(i.aes, [100, 100, 100, 100, 100], "the feed's orders are 100-share lots");
    const itch = offCells(q.cells, i.cells);
    assert.equal(itch.cells, lobster.cells);
    assert.deepEqual(itch.off, []);
    // The realism report sees the same stock in the LOBSTER files as in the run, but for the
    // orders the LOBSTER file adds when a side shifts and its new deepest level appears (the
    // model's records carry no event for them, as in the ITCH feed): they raise the flow figures,
    // the deepest level's adds, and nothing else.
    const figures = compareStats(
      qrsdpRealism(expandInputs([`${dir}/run`]), null),
      await lobsterRealism(lobsterPairs([`${dir}/lob`]), {
        levels: 5,
        unit: "aes",
        lot: 1,
        tick: null,
      }),
    );
    const revealed =
      /^(events per second|events in minutes \d+-\d+|inter-arrival (mean \(s\)|CV)|rate ADD_(BID|ASK) level 4)$/;
    const flagged = figures.filter((f) => f.flagged).map((f) => f.name);
    assert.deepEqual(flagged.filter((name) => !revealed.test(name)), []);
    assert.ok(flagged.includes("rate ADD_BID level 4") && flagged.includes("rate ADD_ASK level 4"));
    assert.ok(figures.some((f) => f.name === "spread (ticks)" && !f.flagged), "the spread agrees");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("compare: a run against itself has every distance 0; against other curves the changed rates are flagged", async () => {
  const dir = tempDir("compare");
  try {
    const common = ["--days", "1", "--seconds", "1800", "--quiet", "--seed", "5"];
    await cli(["run", "--model", "hlr", ...common, "--output", `${dir}/a`]);
    const curves = defaultHlrCurves(5);
    curves.marketBuy = curves.marketBuy.map((v) => v * 2);
    curves.marketSell = curves.marketSell.map((v) => v * 2);
    Deno.writeTextFileSync(
      `${dir}/fast.json`,
      curvesJson({
        levels: 5,
        nMax: 100,
        spreadSensitivity: 0.3,
        imbalanceSensitivity: 1,
        tables: curves,
      }),
    );
    await cli(["run", "--hlr-curves", `${dir}/fast.json`, ...common, "--output", `${dir}/b`]);
    const self = JSON.parse(await cli(["compare", `${dir}/a`, `${dir}/a`, "--json"]));
    assert.ok(self.figures.length > 100);
    assert.deepEqual(self.figures.filter((f: { distance: number }) => f.distance !== 0), []);
    const other = JSON.parse(await cli(["compare", `${dir}/a`, `${dir}/b`, "--json"]));
    const flagged = new Set(
      other.figures.filter((f: { flagged: boolean }) => f.flagged).map((f: { name: string }) =>
        f.name
      ),
    );
    for (
      const name of [
        "rate EXECUTE_BUY level 0",
        "rate EXECUTE_SELL level 0",
        "events per second",
        "return 60s sd",
      ]
    ) {
      assert.ok(flagged.has(name), `${name} not flagged`);
    }
    const text = await cli(["compare", `${dir}/a`, `${dir}/b`]);
    assert.match(text, /\nrate EXECUTE_BUY level 0 +[\d.]+ +[\d.]+ +rel [\d.]+ +\*\n/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("calibrate --lobster on bad input: one line naming the file and line, exit 2, nothing written", async () => {
  const dir = tempDir("lobster_bad");
  try {
    const msg = `${dir}/X_2012-06-21_34200000_57600000_message_1.csv`;
    Deno.writeTextFileSync(msg, "34200.1,1,1,100,1000000,1\n34200.2,1,2,100\n");
    const res = await runCli(["calibrate", "--lobster", msg, "--output", `${dir}/c.json`]);
    assert.equal(res.code, 2);
    assert.equal(
      res.stderr,
      `qrsdp calibrate: ${msg}: line 2: 4 fields, a LOBSTER message line has 6\n`,
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [msg.split("/").pop()]);
    // With an orderbook file, a bad row the calibration does not read for the book: the check
    // beside the messages (a worker thread) names it, as if the rows were read in step.
    Deno.writeTextFileSync(msg, "34200.1,1,1,100,1000000,1\n34200.2,1,2,100,1000100,-1\n");
    const book = msg.replace("_message_", "_orderbook_");
    Deno.writeTextFileSync(book, "1000100,100,1000000,100\n1000100,100,1000000,2O0\n");
    const bad = await runCli(["calibrate", "--lobster", msg, book, "--output", `${dir}/c.json`]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, `qrsdp calibrate: ${book}: line 2: field 4 is not a number\n`);
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      [
        msg.split("/").pop(),
        book.split("/").pop(),
      ].sort(),
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("calibrate takes a security's folder of a run: that security's sessions", async () => {
  const dir = tempDir("symbol_folder");
  try {
    await cli([
      "run",
      "--securities",
      "AAA:10000,BBB:5000",
      "--days",
      "2",
      "--seconds",
      "300",
      "--quiet",
      "--output",
      `${dir}/run`,
    ]);
    const out = JSON.parse(
      await cli(["calibrate", `${dir}/run/BBB`, "--json", "--output", `${dir}/c.json`]),
    );
    assert.deepEqual(out.files.map((f: { path: string }) => f.path), [
      `${dir}/run/BBB/2026-01-02.qrsdp`,
      `${dir}/run/BBB/2026-01-05.qrsdp`,
    ]);
    assert.equal(JSON.parse(Deno.readTextFileSync(`${dir}/c.json`)).p0_ticks, 5000);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("calibrate --itch on bad input (a file cut inside a message, an unknown symbol): one line, exit 2, nothing written; several symbols write one file each", async () => {
  const dir = tempDir("itch_bad");
  try {
    await cli([
      "run",
      "--securities",
      "AAA:10000,BBB:5000",
      "--days",
      "1",
      "--seconds",
      "120",
      "--quiet",
      "--output",
      `${dir}/run`,
    ]);
    await cli(["itch", `${dir}/run`, "--output", `${dir}/itch`]);
    const file = `${dir}/itch/20260102.qrsdp_ITCH50`;
    const bytes = Deno.readFileSync(file);
    Deno.writeFileSync(`${dir}/cut.itch`, bytes.subarray(0, bytes.length - 3));
    const cut = await runCli([
      "calibrate",
      "--itch",
      `${dir}/cut.itch`,
      "--symbol",
      "AAA",
      "--output",
      `${dir}/c.json`,
    ]);
    assert.equal(cut.code, 2);
    assert.match(
      cut.stderr,
      /^qrsdp calibrate: .*cut\.itch: byte \d+: the file ends inside a message of 12 bytes \(9 there\)\n$/,
    );
    const unknown = await runCli([
      "calibrate",
      "--itch",
      file,
      "--symbol",
      "ZZZ",
      "--output",
      `${dir}/c.json`,
    ]);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /^qrsdp calibrate: .*ITCH50: symbol 'ZZZ' is not in the file's stock directory\n$/,
    );
    assert.ok(![...Deno.readDirSync(dir)].some((e) => e.name.endsWith(".json")), "nothing written");
    await cli(["calibrate", "--itch", file, "--symbol", "AAA,BBB", "--output", `${dir}/curves`]);
    const written = [...Deno.readDirSync(`${dir}/curves`)].map((e) => e.name).sort();
    assert.deepEqual(written, ["AAA.json", "BBB.json"]);
    assert.equal(JSON.parse(Deno.readTextFileSync(`${dir}/curves/BBB.json`)).p0_ticks, 5000);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
