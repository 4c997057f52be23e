import assert from "node:assert/strict";
import { calibrate, DamagedInputError } from "../src/calibrate/calibrate.ts";
import { UsageError } from "../src/core/errors.ts";
import type { CalibrateSettings } from "../src/calibrate/calibrate.ts";
import { FIXTURES } from "./helpers.ts";

const CAL = `${FIXTURES}/calibrate`;
const G1 = `${FIXTURES}/g1_seed42_simple/2026-01-02.qrsdp`;
const G2 = `${FIXTURES}/g2_seed7_multi`;
const G3 = `${FIXTURES}/g3_seed11_hlr/2026-01-02.qrsdp`;

/** Each golden curves file of tests/fixtures/calibrate/README.md with its inputs and options. */
const GOLDENS: [string, string[], Partial<CalibrateSettings>][] = [
  ["c1_g1.json", [G1], {}],
  ["c2_g2_aapl.json", [`${G2}/AAPL/2026-03-06.qrsdp`, `${G2}/AAPL/2026-03-09.qrsdp`], {}],
  [
    "c3_g2_all.json",
    ["AAPL/2026-03-06", "AAPL/2026-03-09", "MSFT/2026-03-06", "MSFT/2026-03-09"].map((f) =>
      `${G2}/${f}.qrsdp`
    ),
    {},
  ],
  ["c4_g3.json", [G3], {}],
  ["c6_g1_opts.json", [G1], { levels: 3, nMax: 12, spreadSensitivity: 0.55 }],
  ["c8_g1_nmax0.json", [G1], { nMax: 0 }],
  ["tiny/tiny_curves.json", [`${CAL}/tiny/tiny.qrsdp`], { nMax: 4 }],
  ["depth0/curves.json", [`${CAL}/depth0/input_seed3_depth0.qrsdp`], {}],
  ["empty/curves.json", [`${CAL}/empty/input_zero_events.qrsdp`], {}],
];

function settings(files: string[], opts: Partial<CalibrateSettings>): CalibrateSettings {
  return {
    files,
    levels: null,
    nMax: 100,
    spreadSensitivity: 0.3,
    imbalanceSensitivity: 1,
    compat: true,
    censored: false,
    ...opts,
  };
}

for (const [golden, files, opts] of GOLDENS) {
  Deno.test(`calibrate --compat writes golden ${golden} byte for byte`, () => {
    const warnings: string[] = [];
    const result = calibrate(settings(files, opts), (l) => warnings.push(l));
    assert.equal(result.json, Deno.readTextFileSync(`${CAL}/${golden}`));
    if (!golden.startsWith("depth0")) assert.deepEqual(warnings, []);
  });
}

Deno.test("calibrate --compat on the tiny example counts 9 events and 7 sojourns", () => {
  const result = calibrate(settings([`${CAL}/tiny/tiny.qrsdp`], { nMax: 4 }), () => {});
  assert.equal(result.events, 9);
  assert.equal(result.sojourns, 7);
});

Deno.test("calibrate --compat replays header depth 0 as 5 and reports 296 mispriced executions", () => {
  const warnings: string[] = [];
  calibrate(settings([`${CAL}/depth0/input_seed3_depth0.qrsdp`], {}), (l) => warnings.push(l));
  assert.equal(warnings.length, 296);
  for (const w of warnings) {
    assert.match(
      w,
      /^QRSDP: EXECUTE_(BUY target price \d+ != best ask|SELL target price \d+ != best bid) \d+ \(not k=0\)$/,
    );
  }
});

Deno.test("calibrate default mode on g1 differs from --compat only at the initial queue size", () => {
  const compat = calibrate(settings([G1], {}), () => {});
  // Sensitivity 0: a sensitivity shapes the default mode's add and market curves (it takes the
  // spread multiplier out of them), which is not what is compared here.
  const ours = calibrate(settings([G1], { compat: false, spreadSensitivity: 0 }), () => {});
  assert.equal(ours.sojourns, compat.sojourns);
  const parse = (json: string) => JSON.parse(json) as Record<string, unknown>;
  const a = parse(compat.json), b = parse(ours.json);
  const changed: string[] = [];
  for (const key of Object.keys(a)) {
    if (key === "spread_sensitivity") continue;
    if (!key.startsWith("lambda_")) {
      assert.deepEqual(b[key], a[key], key);
      continue;
    }
    const rows = Array.isArray((a[key] as unknown[])[0])
      ? (a[key] as number[][]).map((r, i) =>
        [`${key}[${i}]`, r, (b[key] as number[][])[i]] as const
      )
      : [[key, a[key] as number[], b[key] as number[]] as const];
    for (const [name, ra, rb] of rows) {
      ra.forEach((v, n) => {
        if (rb[n] !== v) changed.push(`${name}[${n}]`);
      });
    }
  }
  // The queues whose first sojourn began at the open, before any price change re-started it.
  assert.deepEqual(changed, [
    "lambda_L_bid[1][5]",
    "lambda_L_bid[3][5]",
    "lambda_L_ask[0][5]",
    "lambda_C_bid[1][5]",
    "lambda_C_bid[3][5]",
    "lambda_C_ask[0][5]",
    "lambda_M_buy[5]",
  ]);
  // The midnight dips are gone: lambda_L_bid[1][5] was 0.00374125 between values near 10.
  const addBid1 = (b.lambda_L_bid as number[][])[1];
  assert.ok(addBid1[5] > 5 && addBid1[5] < 20, String(addBid1[5]));
});

Deno.test("calibrate default mode replays header depth 0 as 50: no mispriced executions", () => {
  const warnings: string[] = [];
  const result = calibrate(
    settings([`${CAL}/depth0/input_seed3_depth0.qrsdp`], { compat: false }),
    (l) => warnings.push(l),
  );
  assert.deepEqual(warnings, []);
  assert.ok(result.sojourns > 0);
});

Deno.test("a torn file: --compat refuses it, the default uses its complete chunks with a warning", () => {
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_cal_torn_" });
  try {
    const torn = `${dir}/torn.qrsdp`;
    const bytes = Deno.readFileSync(G1);
    Deno.writeFileSync(torn, bytes.subarray(0, Math.floor(bytes.length / 2)));
    assert.throws(
      () => calibrate(settings([torn], {}), () => {}),
      (e: Error) => e instanceof DamagedInputError && e.message.startsWith(`${torn}: byte `),
    );
    const warnings: string[] = [];
    const result = calibrate(settings([torn], { compat: false }), (l) => warnings.push(l));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /torn chunk.*using its \d+ complete chunks$/);
    assert.ok(result.events > 0 && result.events % 4096 === 0, String(result.events));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("default mode refuses --n-max below 0 and --levels above a file's levels; --compat warns", () => {
  assert.throws(() => calibrate(settings([G1], { compat: false, nMax: -1 }), () => {}), UsageError);
  assert.throws(
    () => calibrate(settings([G1], { compat: false, levels: 6 }), () => {}),
    (e: Error) => e instanceof UsageError && /--levels 6: .* has 5 levels per side/.test(e.message),
  );
  const warnings: string[] = [];
  const result = calibrate(settings([G1], { levels: 6, nMax: -1 }), (l) => warnings.push(l));
  assert.equal(warnings.length, 1);
  assert.match(result.json, /"n_max": -1,/);
  assert.match(result.json, /"lambda_M_buy": \[0\],/);
  assert.equal(JSON.parse(result.json).lambda_L_bid.length, 6);
});
