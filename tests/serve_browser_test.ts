/// <reference lib="dom" />
/**
 * The dashboard in a real headless Chromium: create, list, replay (ladder, chart, pause, speed,
 * the overnight overlay), several securities, a bad form value, the analysis page and its
 * comparison with a second source (another run, a LOBSTER file under --data), delete, and a
 * live `run --serve`. Every wait is for a condition on the page, never a fixed sleep.
 */
import assert from "node:assert/strict";
import { runCli, tempDir } from "./helpers.ts";
import { launchBrowser, openPage, startDashboard } from "./browser/dashboard.ts";
import type { Page } from "./browser/dashboard.ts";

const WAIT = { timeout: 60_000, polling: 50 };

const dataset = (page: Page, key: string) =>
  page.$eval("#view", (v, k) => (v as HTMLElement).dataset[k as string] ?? "", key);

async function fill(page: Page, name: string, value: string) {
  await page.$eval(
    `#create [name="${name}"]`,
    (el, v) => (el as HTMLInputElement).value = v as string,
    value,
  );
}

async function createSimulation(page: Page, fields: Record<string, string>) {
  for (const [k, v] of Object.entries(fields)) {
    if (k === "sessionSeconds" || k === "preset") await page.select(`#create [name="${k}"]`, v);
    else await fill(page, k, v);
  }
  await page.click("#create button[type=submit]");
}

Deno.test("the dashboard in a browser: create, list, replay, pause, speed, overlay, analysis", async (t) => {
  const dir = tempDir("serve_browser");
  const server = await startDashboard(["serve", "--data", dir, "--port", "0"]);
  const browser = await launchBrowser();
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await openPage(browser, server.url);
    await page.waitForSelector("#create [name=preset] option", WAIT);

    await t.step("a bad form value gives a message, not a broken page", async () => {
      await createSimulation(page, { symbol: "TEST", days: "300" });
      await page.waitForSelector("#msg.error", WAIT);
      assert.match(await page.$eval("#msg", (e) => e.textContent!), /^days: .*1 to 252/);
      await fill(page, "days", "2");
      await createSimulation(page, { p0: "abc" });
      await page.waitForFunction(
        () => /^p0: /.test(document.querySelector("#msg")!.textContent!),
        WAIT,
      );
      await createSimulation(page, { p0: "10000", symbol: "../etc" });
      await page.waitForFunction(
        () => /^symbol: /.test(document.querySelector("#msg")!.textContent!),
        WAIT,
      );
      assert.equal(await page.$$eval("#runs tbody tr[data-run]", (r) => r.length), 0);
      assert.deepEqual(page.errors, []);
    });

    await t.step("the preset's parameters are shown", async () => {
      await page.select("#create [name=preset]", "volatile");
      assert.match(await page.$eval("#params", (e) => e.textContent!), /baseM = 25/);
      await page.select("#create [name=preset]", "default");
      assert.match(await page.$eval("#params", (e) => e.textContent!), /baseM = 15/);
    });

    await t.step("create a simulation and see it listed", async () => {
      await createSimulation(page, {
        symbol: "TEST",
        p0: "10000",
        sessionSeconds: "3600",
        days: "2",
        seed: "5",
      });
      await page.waitForFunction(
        () =>
          document.querySelector('#runs tr[data-run="TEST-5"] td:nth-child(3)')?.textContent ===
            "done",
        WAIT,
      );
      const cells = await page.$$eval(
        '#runs tr[data-run="TEST-5"] td',
        (tds) => tds.map((td) => td.textContent!.trim()),
      );
      assert.equal(cells[1], "TEST");
      assert.equal(cells[4], "2/2");
      assert.equal(cells[5], "100.00");
      assert.equal(cells[6], "5");
      assert.ok(Number(cells[3].replaceAll(",", "")) > 100_000, cells[3]);
      assert.ok(Deno.statSync(`${dir}/TEST-5/manifest.json`).isFile);
    });

    await t.step("replay: ladder, chart, pause, speed, overlay between days", async () => {
      await page.click('#runs tr[data-run="TEST-5"] a[href^="#/replay/"]');
      await page.waitForFunction(
        () => Number(document.querySelector<HTMLElement>("#view")!.dataset.ticks) >= 3,
        WAIT,
      );
      assert.equal(await page.$$eval("#ladder tr.askrow", (r) => r.length), 5);
      assert.equal(await page.$$eval("#ladder tr.bidrow", (r) => r.length), 5);
      const rows = await page.$$eval(
        "#ladder tr",
        (trs) => trs.map((tr) => [tr.className, tr.querySelector("td")!.textContent!]),
      );
      const asks = rows.filter(([c]) => c === "askrow").map(([, p]) => Number(p));
      const bids = rows.filter(([c]) => c === "bidrow").map(([, p]) => Number(p));
      assert.ok(bids[0] < asks[asks.length - 1], `best bid ${bids[0]} below best ask ${asks[4]}`);
      assert.deepEqual(asks, [...asks].sort((a, b) => b - a));
      assert.deepEqual(bids, [...bids].sort((a, b) => b - a));
      assert.equal(rows[5][0], "spreadrow");
      assert.ok(await page.$$eval("#events tr", (r) => r.length) > 0);
      assert.equal(await page.$eval("#q-day", (e) => e.textContent), "1/2");

      // The chart gains points.
      const total = () => page.$eval("#chart", (e) => Number((e as HTMLElement).dataset.total));
      const before = await total();
      await page.waitForFunction(
        (n) => Number(document.querySelector<HTMLElement>("#chart")!.dataset.total) > n,
        WAIT,
        before,
      );
      assert.ok(await page.$eval("#chart canvas", (c) => (c as HTMLCanvasElement).width) > 0);
      // The depth chart, spread and volume over time, and the trade tape are drawn.
      for (const chart of ["#depth-chart", "#spread-chart", "#volume-chart"]) {
        await page.waitForFunction(
          (sel) => Number(document.querySelector<HTMLElement>(sel as string)!.dataset.points) > 0,
          WAIT,
          chart,
        );
        assert.ok(await page.$eval(`${chart} canvas`, (c) => (c as HTMLCanvasElement).width) > 0);
      }
      // Depth: one point per level of both sides.
      assert.equal(
        await page.$eval("#depth-chart", (e) => (e as HTMLElement).dataset.points),
        "10",
      );
      await page.waitForSelector("#tape tbody tr", WAIT);
      const trade = await page.$$eval(
        "#tape tbody tr:first-child td",
        (tds) => tds.map((t) => t.textContent),
      );
      assert.match(trade[0]!, /^\d\d:\d\d:\d\d\.\d{3}$/);
      assert.match(trade[1]!, /^(buy|sell)$/);
      assert.match(trade[2]!, /^\d+\.\d\d$/);
      // A 5-minute window shows every change of the best quote in it, not a handful of snapshots.
      await page.waitForFunction(
        () => Number(document.querySelector<HTMLElement>("#chart")!.dataset.points) > 200,
        WAIT,
      );

      // Pause: no snapshot arrives after the server confirmed it, even across a speed change.
      await page.click("#pause");
      await page.waitForFunction(
        () => document.querySelector<HTMLElement>("#view")!.dataset.paused === "true",
        WAIT,
      );
      const ticks = await dataset(page, "ticksAtState");
      await page.select("#speed", "5000");
      await page.waitForFunction(
        () => document.querySelector<HTMLElement>("#view")!.dataset.speed === "5000",
        WAIT,
      );
      assert.equal(await dataset(page, "ticksAtState"), ticks);
      assert.equal(await dataset(page, "ticks"), ticks);
      assert.equal(await page.$eval("#state", (e) => e.textContent), "paused");

      // Resume at 5000: snapshots come again.
      await page.click("#pause");
      await page.waitForFunction(
        (n) => Number(document.querySelector<HTMLElement>("#view")!.dataset.ticks) > Number(n),
        WAIT,
        ticks,
      );

      // Between the two days the overlay shows, and goes when day 2 starts.
      await page.waitForFunction(
        () => document.querySelector("#q-day")!.textContent === "2/2",
        WAIT,
      );
      assert.equal(await dataset(page, "closedBefore"), "2026-01-05");
      assert.equal(await dataset(page, "overlayOnClose"), "flex");
      assert.equal(await dataset(page, "overlayOnDay"), "none");
      assert.match(
        await page.$eval("#closed", (e) => e.textContent!),
        /Market closed.*2026-01-05/s,
      );
      assert.equal(await page.$eval("#q-date", (e) => e.textContent), "2026-01-05");
      await page.waitForFunction(
        () => document.querySelector<HTMLElement>("#view")!.dataset.ended === "true",
        WAIT,
      );
      assert.equal(await page.$eval("#closed", (e) => e.classList.contains("visible")), false);
      // Speed took effect: a 1 h session moves 9 simulated seconds a snapshot at speed 100,
      // 50 at speed 5000 (one snapshot per 10 ms).
      const steps = JSON.parse(await dataset(page, "stepBySpeed"));
      assert.equal(steps["100"], 9, JSON.stringify(steps));
      assert.equal(steps["5000"], 50, JSON.stringify(steps));
      assert.equal(await page.$eval("#progress", (e) => (e as HTMLElement).style.width), "100%");
      assert.deepEqual(page.errors, []);
    });

    await t.step(
      "an unknown run has a page that says so; text from the server stays text",
      async () => {
        await page.goto(`${server.url}#/replay/NO-SUCH-RUN`);
        await page.waitForSelector("#missing", WAIT);
        assert.match(await page.$eval("#missing", (e) => e.textContent!), /no run NO-SUCH-RUN/i);
        assert.equal(await dataset(page, "missing"), "NO-SUCH-RUN");
        await page.goto(`${server.url}#/analysis/NO-SUCH-RUN`);
        await page.waitForSelector("#missing", WAIT);
        // A symbol that is markup comes back in an error message, and is shown as text.
        const evil = '<img src=x onerror="window.__xss=1">';
        await page.goto(`${server.url}#/analysis/TEST-5/${encodeURIComponent(evil)}`);
        await page.waitForFunction(
          () => /no security/.test(document.querySelector("#msg")?.textContent ?? ""),
          WAIT,
        );
        assert.ok((await page.$eval("#msg", (e) => e.textContent!)).includes(evil));
        assert.equal(await page.$("#msg img"), null);
        assert.equal(
          await page.evaluate(() => (globalThis as { __xss?: number }).__xss),
          undefined,
        );
        assert.deepEqual(page.errors, []);
        await page.goto(`${server.url}#/replay/TEST-5`);
        await page.waitForSelector("#ladder tr", WAIT);
      },
    );

    await t.step("the analysis page renders its charts", async () => {
      await page.click("#analysis");
      await page.waitForFunction(
        () => document.querySelector<HTMLElement>("#view")!.dataset.analysis === "ready",
        WAIT,
      );
      const charts = await page.$$eval(".chart", (cs) =>
        cs.map((c) => ({
          title: c.querySelector("h2")!.textContent!,
          points: Number((c as HTMLElement).dataset.points),
          canvas: c.querySelector("canvas") !== null,
        })));
      assert.equal(charts.length, 9);
      for (const c of charts) {
        assert.ok(c.canvas && c.points > 0, JSON.stringify(c));
      }
      assert.deepEqual(charts.map((c) => c.title), [
        "Mid price, 1-minute candles",
        "1 s log returns (bp) vs normal",
        "10 s log returns (bp) vs normal",
        "60 s log returns (bp) vs normal",
        "Autocorrelation of 1 s returns",
        "Inter-arrival times (s) vs exponential",
        "Spread (ticks), share of time",
        "Events per 30 minutes after the open",
        "Event mix",
      ]);
      assert.match(
        await page.$eval("#chart-activity .stat", (e) => e.textContent!),
        /^first 30 min \d+\.\d\d×, last 30 min \d+\.\d\d× the middle 30$/,
      );
      assert.equal(charts[0].points, 60);
      assert.match(
        await page.$eval(".chart-returns .stat", (e) => e.textContent!),
        /excess kurtosis/,
      );
      assert.deepEqual(page.errors, []);
    });

    await t.step("several securities at once: one row each, click for the full view", async () => {
      await page.goto(`${server.url}#/`);
      await page.waitForSelector("#create [name=preset] option", WAIT);
      await createSimulation(page, {
        symbol: "AAA,BBB",
        p0: "5000",
        sessionSeconds: "3600",
        days: "1",
        seed: "9",
      });
      await page.waitForFunction(
        () =>
          document.querySelector('#runs tr[data-run="AAA-BBB-9"] td:nth-child(3)')?.textContent ===
            "done",
        WAIT,
      );
      await page.goto(`${server.url}#/replay/AAA-BBB-9`);
      await page.waitForSelector("#securities tbody tr", WAIT);
      assert.deepEqual(
        await page.$$eval(
          "#securities tbody tr td:first-child",
          (tds) => tds.map((t) => t.textContent),
        ),
        ["AAA", "BBB"],
      );
      assert.equal(await page.$eval("#symbol", (e) => e.textContent), "AAA");
      await page.click('#securities tr[data-symbol="BBB"]');
      await page.waitForFunction(
        () => document.querySelector("#symbol")!.textContent === "BBB",
        WAIT,
      );
      await page.waitForSelector('#securities tr.focused[data-symbol="BBB"]', WAIT);
      // The analysis page offers each security.
      await page.click("#analysis");
      await page.waitForFunction(
        () => document.querySelector<HTMLElement>("#view")!.dataset.analysis === "ready",
        WAIT,
      );
      await page.select("#symbol-select", "BBB");
      await page.waitForFunction(() => location.hash === "#/analysis/AAA-BBB-9/BBB", WAIT);
      await page.waitForFunction(
        () => document.querySelector<HTMLElement>("#view")!.dataset.analysis === "ready",
        WAIT,
      );
      assert.match(await page.$eval("#summary", (e) => e.textContent!), /BBB/);
      assert.deepEqual(page.errors, []);
    });

    await t.step("the analysis page compares with another run and a LOBSTER file", async () => {
      const exported = await runCli([
        "export",
        `${dir}/TEST-5`,
        "--format",
        "lobster",
        "--output",
        `${dir}/real`,
      ]);
      assert.equal(exported.code, 0, exported.stderr);
      // The page lists the sources when it opens: opened again, it finds the new file.
      await page.reload();
      await page.waitForFunction(
        () => document.querySelector<HTMLElement>("#view")!.dataset.analysis === "ready",
        WAIT,
      );
      const compareWith = async (label: RegExp) => {
        await page.waitForFunction(
          () => document.querySelectorAll("#compare-with option").length > 1,
          WAIT,
        );
        const options = await page.$$eval(
          "#compare-with option",
          (os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent!]),
        );
        const chosen = options.find(([, text]) => label.test(text));
        assert.ok(chosen, JSON.stringify(options));
        await page.select("#compare-with", chosen[0]);
        await page.click("#compare-go");
        await page.waitForFunction(
          () => document.querySelector<HTMLElement>("#view")!.dataset.compare === "ready",
          WAIT,
        );
        const charts = await page.$$eval(".chart-compare", (cs) =>
          cs.map((c) => ({
            title: c.querySelector("h2")!.textContent!,
            points: Number((c as HTMLElement).dataset.points),
            canvas: c.querySelector("canvas") !== null,
            legend: [...c.querySelectorAll(".u-legend .u-label")].map((l) => l.textContent),
          })));
        assert.deepEqual(charts.map((c) => c.title), [
          "Queue size at level 0 (share of time): A and B",
          "Spread (ticks, share of time): A and B",
          "ACF of |1 s returns|: A and B",
          "Signature plot (realised variance per s by interval): A and B",
          "Events per 30 minutes: A and B",
          "Events per second at level 0 by type: A and B",
        ]);
        for (const c of charts) {
          assert.ok(c.canvas && c.points > 0, JSON.stringify(c));
          assert.deepEqual(c.legend.slice(-2), ["A", "B"], JSON.stringify(c));
        }
        const rows = await page.$$eval("#compare-table tbody tr", (rs) => rs.length);
        const summary = await page.$eval("#compare-summary", (e) => e.textContent!);
        const m = /(\d+) of (\d+) figures beyond their threshold/.exec(summary);
        assert.ok(m, summary);
        assert.equal(Number(m[2]), rows);
        assert.equal(
          await page.$$eval("#compare-table tbody tr.flagged", (rs) => rs.length),
          Number(m[1]),
        );
        const top = await page.$$eval("#charts .chart", (cs) =>
          cs.map((c) => ({
            id: c.id,
            overlay: (c as HTMLElement).dataset.overlay ?? "",
            points: Number((c as HTMLElement).dataset.points),
            legend: [...c.querySelectorAll(".u-legend .u-label")].map((l) => l.textContent),
          })));
        assert.equal(top.length, 9);
        for (const c of top) assert.ok(c.points > 0, JSON.stringify(c));
        return { summary, top };
      };
      // The page shows AAA-BBB-9's BBB: another run, then the LOBSTER export of TEST-5.
      // Another run: drawn over the session's charts too, all but the candles.
      const run = await compareWith(/^run TEST-5 TEST$/);
      assert.match(run.summary, /BTEST-5 TEST 2026-01-02/);
      assert.deepEqual(run.top.map((c) => c.overlay), ["", ...new Array(8).fill("B")]);
      for (const c of run.top.slice(1)) {
        assert.ok(c.legend.some((l) => /^B/.test(l!)), JSON.stringify(c));
      }
      assert.deepEqual(run.top.find((c) => c.id === "chart-acf")!.legend.slice(-2), [
        "B returns",
        "B |returns|",
      ]);
      // A LOBSTER file: drawn over them as well.
      const file = await compareWith(/^lobster real\/TEST_.*_message_5\.csv$/);
      assert.match(file.summary, /Breal\/TEST_/);
      assert.deepEqual(file.top.map((c) => c.overlay), ["", ...new Array(8).fill("B")]);
      assert.deepEqual(page.errors, []);
    });

    await t.step("delete removes the simulation and its files", async () => {
      await page.goto(`${server.url}#/`);
      await page.waitForSelector('#runs [data-delete="TEST-5"]', WAIT);
      // The page asks first; dismissed, nothing happens.
      const asked: string[] = [];
      page.once("dialog", (d) => {
        asked.push(d.message());
        d.dismiss();
      });
      await page.click('#runs [data-delete="TEST-5"]');
      assert.deepEqual(asked, ["Delete the run TEST-5 and its files?"]);
      assert.ok(Deno.statSync(`${dir}/TEST-5/manifest.json`).isFile);
      page.once("dialog", (d) => d.accept());
      await page.click('#runs [data-delete="TEST-5"]');
      await page.waitForFunction(
        () => !document.querySelector('#runs tr[data-run="TEST-5"]'),
        WAIT,
      );
      assert.throws(() => Deno.statSync(`${dir}/TEST-5`), Deno.errors.NotFound);
      assert.ok(await page.$('#runs tr[data-run="AAA-BBB-9"]'));
    });
  } finally {
    await browser.close();
    const status = await server.stop();
    assert.equal(status.code, 0, server.stderr());
  }
});

Deno.test("a live `run --serve` updates the page while the run is generated", async () => {
  const dir = tempDir("serve_live");
  // The browser first, so that the run (3 days of 6 s) is young when the page opens.
  const browser = await launchBrowser();
  const run = await startDashboard([
    "run",
    "--seconds",
    "600",
    "--days",
    "3",
    "--realtime",
    "--speed",
    "100",
    "--overnight-seconds",
    "1",
    "--securities",
    "LIVE:10000",
    "--output",
    `${dir}/live`,
    "--quiet",
    "--serve",
    "127.0.0.1:0",
  ]);
  try {
    assert.match(run.stderr(), /dashboard at http:\/\/127\.0\.0\.1:\d+\/#\/live\/live/);
    // The home page opens the live run by itself.
    const page = await openPage(browser, run.url);
    await page.waitForFunction(() => location.hash === "#/live/live", WAIT);
    await page.waitForFunction(
      () => Number(document.querySelector<HTMLElement>("#view")!.dataset.ticks) >= 1,
      WAIT,
    );
    const list = await (await fetch(`${run.url}api/runs`)).json();
    assert.equal(list.runs[0].id, "live");
    assert.equal(list.runs[0].status, "running");
    const first = await page.$eval("#q-events", (e) => Number(e.textContent!.replaceAll(",", "")));
    // While the run is generated, the count goes on rising chunk by chunk.
    await page.waitForFunction(
      (n) =>
        Number(document.querySelector("#q-events")!.textContent!.replaceAll(",", "")) > n + 4096,
      WAIT,
      first,
    );
    assert.equal(await page.$$eval("#ladder tr.bidrow", (r) => r.length), 5);
    // It follows day after day to the end of the run.
    await page.waitForFunction(() => document.querySelector("#q-day")!.textContent === "3/3", WAIT);
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>("#view")!.dataset.ended === "true",
      WAIT,
    );
    assert.deepEqual(page.errors, []);
    await page.close();
    const done = await (await fetch(`${run.url}api/runs/live`)).json();
    assert.equal(done.status, "done");
    assert.equal(done.daysDone, 3);
  } finally {
    await browser.close();
    const status = await run.stop();
    assert.equal(status.code, 0, run.stderr());
  }
});
