/// <reference lib="dom" />
/**
 * The platform's view in the dashboard: with ClickHouse configured (chdb behind
 * tests/clickhouse/chdb_http.py), v_current_midprice and the rows per symbol and date, refreshing.
 */
import assert from "node:assert/strict";
import { chQuery, startChdbServer } from "./clickhouse/server.ts";
import { closedPort } from "./clickhouse/platform.ts";
import { runCli, tempDir } from "./helpers.ts";
import { launchBrowser, openPage, startDashboard } from "./browser/dashboard.ts";

const EVENTS = `INSERT INTO exchange_events
  (symbol, date, ts_ns, type, side, price_ticks, qty, order_id) VALUES
  ('AAA', '2026-01-02', 34300000000000, 5, 0, 9998, 1, 1),
  ('AAA', '2026-01-02', 57000000000001, 4, 1, 10003, 1, 2),
  ('BBB', '2026-01-02', 35000000000000, 4, 1, 25001, 2, 4),
  ('BBB', '2026-01-02', 35000000000001, 5, 0, 24999, 2, 5)`;

Deno.test("the dashboard shows the platform's view when ClickHouse is configured", async () => {
  const ch = await startChdbServer();
  const env = {
    CLICKHOUSE_HOST: ch.host,
    CLICKHOUSE_PORT: String(ch.port),
    KAFKA_BROKERS: `127.0.0.1:${closedPort()}`,
    KAFKA_TOPIC: "test.serve",
  };
  let server;
  const browser = await launchBrowser();
  try {
    const init = await runCli(["platform", "init"], { env });
    assert.equal(init.code, 0, init.stderr);
    await chQuery(ch, EVENTS);
    server = await startDashboard(
      ["serve", "--data", tempDir("serve_platform"), "--port", "0"],
      env,
    );
    const view = await (await fetch(`${server.url}api/platform`)).json();
    assert.equal(view.configured, true);
    assert.deepEqual(view.midprice.map((r: { symbol: string }) => r.symbol), ["AAA", "BBB"]);
    assert.equal(Number(view.midprice[1].best_ask_ticks), 25001);
    assert.equal(Number(view.midprice[1].best_bid_ticks), 24999);
    assert.deepEqual(view.rows.map((r: { rows: string }) => Number(r.rows)), [2, 2]);

    const page = await openPage(browser, server.url);
    await page.waitForSelector("#platform:not([hidden]) table", { timeout: 30_000 });
    const cells = await page.$$eval(
      "#platform-body table:first-child tbody td",
      (tds) => tds.map((t) => t.textContent),
    );
    assert.deepEqual(cells.slice(4), ["BBB", "249.99", "250.01", "250.00"]);
    // It refreshes: new rows appear without reloading the page.
    await chQuery(
      ch,
      "INSERT INTO exchange_events (symbol, date, ts_ns, type, side, price_ticks, qty, order_id) " +
        "VALUES ('CCC', '2026-01-05', 34200000000000, 4, 1, 500, 1, 1)",
    );
    await page.waitForFunction(
      () => document.querySelector("#platform-body")!.textContent!.includes("2026-01-05"),
      { timeout: 30_000, polling: 100 },
    );
    assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
    if (server) assert.equal((await server.stop()).code, 0, server.stderr());
    await ch.stop();
  }
});
