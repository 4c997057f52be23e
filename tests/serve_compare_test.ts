/**
 * The dashboard's comparison of two sources, from outside the process: a session against another
 * run's, against itself, against LOBSTER and ITCH files under --data; the figures served are
 * those `qrsdp compare --json` prints for the same sources; nothing outside --data is read, and
 * no response names the data directory.
 */
import assert from "node:assert/strict";
import { runCli, tempDir } from "./helpers.ts";
import { startDashboard } from "./browser/dashboard.ts";

async function get(url: string) {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

async function cli(args: string[]): Promise<string> {
  const out = await runCli(args);
  assert.equal(out.code, 0, `${args.join(" ")}: ${out.stderr}`);
  return out.stdout;
}

interface Figure {
  name: string;
  distance: number;
  flagged: boolean;
}

Deno.test("serve: a session compared with another run, itself, LOBSTER and ITCH files under --data", async (t) => {
  const root = tempDir("serve_compare");
  const data = `${root}/data`, outside = `${root}/outside`;
  await cli(["run", "--seed", "7", "--seconds", "600", "--output", `${data}/run_7`, "--quiet"]);
  await cli([
    "run",
    "--seed",
    "8",
    "--seconds",
    "600",
    "--base-M",
    "25",
    "--output",
    `${data}/run_8`,
    "--quiet",
  ]);
  await cli(["export", `${data}/run_7`, "--format", "lobster", "--output", `${data}/real/lob`]);
  await cli(["itch", `${data}/run_7`, "--output", `${data}/real/itch`]);
  await cli(["export", `${data}/run_7`, "--format", "lobster", "--output", outside]);
  const message =
    [...Deno.readDirSync(`${data}/real/lob`)].find((e) => /_message_\d+\.csv$/.test(e.name))!.name;
  const itch = [...Deno.readDirSync(`${data}/real/itch`)][0].name;
  Deno.symlinkSync(`${outside}/${message}`, `${data}/real/out_message_5.csv`);

  const server = await startDashboard(["serve", "--data", data, "--port", "0"]);
  const api = `${server.url}api`;
  const compare = (query: string) => get(`${api}/runs/run_7/compare?${query}`);
  try {
    await t.step("the real-data files under --data are offered, the link out is not", async () => {
      const { body } = await get(`${api}/files`);
      assert.deepEqual(body.files, [
        { path: `real/itch/${itch}`, kind: "itch" },
        { path: `real/lob/${message}`, kind: "lobster" },
      ]);
    });

    await t.step("against itself: every distance 0", async () => {
      const { status, body } = await compare("with=run_7");
      assert.equal(status, 200, JSON.stringify(body));
      assert.deepEqual(body.a.stats, body.b.stats);
      assert.ok(body.figures.length > 100);
      assert.deepEqual(body.figures.filter((f: Figure) => f.distance !== 0), []);
      assert.equal(body.a.label, "run_7 DEFAULT 2026-01-02");
    });

    await t.step("against another run: the figures `qrsdp compare --json` gives", async () => {
      const { body } = await compare("with=run_8");
      const printed = JSON.parse(
        await cli([
          "compare",
          `${data}/run_7/2026-01-02.qrsdp`,
          `${data}/run_8/2026-01-02.qrsdp`,
          "--json",
        ]),
      );
      assert.deepEqual(body.figures, printed.figures);
      assert.deepEqual(body.b.stats, printed.stats.b);
      assert.equal(body.b.analysis, undefined, "a run's session has its own analysis");
      assert.ok(
        body.figures.some((f: Figure) => f.flagged),
        "the run with more market orders differs",
      );
    });

    await t.step("against the LOBSTER and ITCH files of the same run", async () => {
      const own = (await get(`${api}/runs/run_7/analysis`)).body;
      for (
        const [query, source] of [
          [`file=real/lob/${message}`, `${data}/real/lob/${message}`],
          [`file=real/itch/${itch}&withSymbol=DEFAULT`, `${data}/real/itch/${itch}:DEFAULT`],
        ]
      ) {
        const { status, body, text } = await compare(query);
        assert.equal(status, 200, text);
        const printed = JSON.parse(
          await cli(["compare", `${data}/run_7/2026-01-02.qrsdp`, source, "--json"]),
        );
        assert.deepEqual(body.figures, printed.figures, query);
        assert.ok(body.b.stats.events > 1000, query);
        // The analysis page's figures from the same pass: its events, and the run's own book
        // (the export's messages are more than the run's events: an order taken in parts is a
        // message each), so its spread is the run's within a point.
        const b = body.b.analysis;
        const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
        assert.equal(b.events, body.b.stats.events, query);
        assert.equal(sum(Object.values(b.eventMix)), b.events, query);
        assert.equal(sum(b.activity.events), b.events, query);
        assert.deepEqual(b.spread.ticks, own.spread.ticks, query);
        b.spread.share.forEach((x: number, i: number) =>
          assert.ok(Math.abs(x - own.spread.share[i]) < 0.01, `${query}: ${x} ${i}`)
        );
        assert.equal(b.candles.length, own.candles.length, query);
        assert.ok(b.returns.every((r: { std: number }) => r.std > 0), query);
        assert.ok(!text.includes(data), "a response names the data directory");
      }
    });

    await t.step("bad or outside sources: a 4xx with a message, nothing read", async () => {
      const cases: [string, number, RegExp][] = [
        ["", 400, /give one of with/],
        [`with=run_8&file=real/lob/${message}`, 400, /give one of with/],
        ["with=nope", 404, /no run 'nope'/],
        ["with=run_8&withSymbol=ZZZ", 404, /no security 'ZZZ'/],
        [`file=real/itch/${itch}`, 400, /needs the security/],
        [`file=real/itch/${itch}&withSymbol=ZZZ`, 422, /ZZZ/],
        ["file=/etc/passwd", 400, /path from the data directory/],
        [`file=../outside/${message}`, 404, /not found/],
        ["file=real/out_message_5.csv", 404, /not found/],
        ["file=run_7/manifest.json", 404, /not a LOBSTER message file or an ITCH file/],
      ];
      for (const [query, status, message] of cases) {
        const res = await compare(query);
        assert.equal(res.status, status, `${query}: ${res.text}`);
        assert.match(res.body.error, message, query);
        assert.ok(!res.text.includes(root), `${query}: ${res.text}`);
      }
    });
  } finally {
    const status = await server.stop();
    assert.equal(status.code, 0, server.stderr());
  }
});
