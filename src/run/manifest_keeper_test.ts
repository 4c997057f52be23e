import assert from "node:assert/strict";
import { buildManifest, manifestJson } from "../format/manifest.ts";
import type { ManifestSession, RunSettings } from "../format/manifest.ts";
import { ManifestKeeper } from "./manifest_keeper.ts";
import type { SessionStart } from "./security_run.ts";
import { withDir } from "../core/test_dirs.ts";

const SETTINGS: RunSettings = {
  baseSeed: 2n ** 64n - 5n,
  sessionSeconds: 60,
  tickSize: 100,
  levelsPerSide: 5,
  initialSpreadTicks: 2,
  initialDepth: 50,
  thetaReinit: 0,
};

const start = (securityIndex: number, day: number, symbol: string | null): SessionStart => {
  const date = `2026-01-0${day + 2}`;
  return {
    securityIndex,
    date,
    seed: SETTINGS.baseSeed + BigInt(1024 * securityIndex + day),
    file: symbol ? `${symbol}/${date}.qrsdp` : `${date}.qrsdp`,
  };
};

/** What the whole rewrite wrote for these sessions. */
function expected(
  securities: { symbol: string | null; p0Ticks: number }[],
  s: ManifestSession[][],
) {
  return manifestJson(
    buildManifest(
      SETTINGS,
      securities.map((x, i) => ({ symbol: x.symbol, p0Ticks: x.p0Ticks, sessions: s[i] })),
    ),
  );
}

type Listed = { index: number; symbol: string | null; p0Ticks: number };
const RUNS: Listed[][] = [
  [{ index: 0, symbol: null, p0Ticks: 10000 }],
  [
    { index: 0, symbol: "AA", p0Ticks: 100 },
    { index: 1, symbol: "B.B", p0Ticks: 200 },
    { index: 2, symbol: "C", p0Ticks: 3 },
  ],
  // A shard lists only its own securities.
  [{ index: 1, symbol: "B", p0Ticks: 100 }, { index: 4, symbol: "E", p0Ticks: 200 }],
];

for (const securities of RUNS) {
  Deno.test(`manifest keeper (securities ${securities.map((s) => s.index)}): the bytes of the whole rewrite, at each step`, () =>
    withDir((dir) => {
      const read = () => Deno.readTextFileSync(`${dir}/manifest.json`);
      const keeper = new ManifestKeeper(dir, SETTINGS, securities, (e) => {
        throw e;
      });
      const sessions: ManifestSession[][] = securities.map(() => []);
      assert.equal(read(), expected(securities, sessions));
      for (let day = 0; day < 2; day++) {
        securities.forEach((x, i) => {
          const s = start(x.index, day, x.symbol);
          keeper.begin(s);
          sessions[i].push({ date: s.date, seed: s.seed, file: s.file, in_progress: true });
          assert.equal(read(), expected(securities, sessions), "listed before it begins");
        });
        securities.forEach((x, i) => {
          keeper.end(x.index, start(x.index, day, x.symbol).file, i !== 1 || day !== 1);
          if (i !== 1 || day !== 1) delete sessions[i][day].in_progress;
        });
      }
      keeper.finish();
      assert.equal(read(), expected(securities, sessions));
      // u64 seeds exactly (a double would print 18446744073709552000).
      assert.match(read(), /"seed": 1844674407370955\d{4},/);
      assert.doesNotMatch(read(), /18446744073709552000/);
    }));
}

Deno.test("manifest keeper: sessions listed ahead take one write, and those never begun go", () =>
  withDir((dir) => {
    const securities = Array.from(
      { length: 200 },
      (_, i) => ({ index: i, symbol: `S${i}`, p0Ticks: 1 }),
    );
    let writes = 0;
    const text = () => Deno.readTextFileSync(`${dir}/manifest.json`);
    let last = "";
    const count = () => {
      const now = text();
      if (now !== last) writes++;
      last = now;
    };
    // As a batch run's queue: the next sessions not taken yet, in order.
    let taken = 0;
    const ahead = (n: number) =>
      securities.slice(taken, taken + n).map((s, k) => start(taken + k, 0, s.symbol));
    const keeper = new ManifestKeeper(dir, SETTINGS, securities, (e) => {
      throw e;
    }, ahead);
    count();
    for (let i = 0; i < 150; i++) {
      taken = i + 1;
      keeper.begin(start(i, 0, securities[i].symbol));
      count();
      assert.ok(text().includes(`"file": "S${i}/2026-01-02.qrsdp"`), `S${i} is listed`);
    }
    // One at the start; session 0 lists 64 ahead (1-64), session 65 lists 65 (66-130), session 131
    // the rest: as many as are listed, so writes grow with the logarithm of the sessions.
    assert.equal(writes, 4);
    keeper.finish();
    const m = JSON.parse(text());
    assert.equal(
      m.securities.filter((s: { sessions: unknown[] }) => s.sessions.length).length,
      150,
    );
  }));

Deno.test("manifest keeper: a session a stop cut short is marked stopped; a failed file stays in progress", () =>
  withDir((dir) => {
    const securities = [
      { index: 0, symbol: "A", p0Ticks: 1 },
      { index: 1, symbol: "B", p0Ticks: 1 },
    ];
    const keeper = new ManifestKeeper(dir, SETTINGS, securities, (e) => {
      throw e;
    });
    for (const [i, x] of securities.entries()) keeper.begin(start(i, 0, x.symbol));
    keeper.end(0, start(0, 0, "A").file, true, true);
    keeper.end(1, start(1, 0, "B").file, false, true);
    keeper.finish();
    const m = JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`));
    assert.deepEqual(Object.keys(m.securities[0].sessions[0]), ["date", "seed", "file", "stopped"]);
    assert.equal(m.securities[1].sessions[0].in_progress, true);
    assert.equal(m.securities[1].sessions[0].stopped, undefined);
  }));
