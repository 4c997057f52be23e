/// <reference lib="dom" />
/**
 * The dashboard keeping up: a 20-day replay (6.5 h sessions) at speed 5000 in headless Chromium.
 * Per day: wall time, the page's JS heap and DOM nodes after a garbage collection, how far the stream is behind schedule
 * and how many snapshots it dropped behind a full socket.
 */
import { launchBrowser, openPage, startDashboard } from "../browser/dashboard.ts";
import { runCli } from "../helpers.ts";

export async function serveReplay(): Promise<void> {
  const data = Deno.makeTempDirSync({ prefix: "qrsdp_bench_serve_" });
  const made = await runCli([
    "run",
    "--seed",
    "3",
    "--days",
    "20",
    "--output",
    `${data}/r20`,
    "--quiet",
  ]);
  if (made.code !== 0) throw new Error(made.stderr);
  const server = await startDashboard(["serve", "--data", data, "--port", "0"]);
  const browser = await launchBrowser();
  try {
    const page = await openPage(browser, `${server.url}#/replay/r20`);
    const view = (k: string) =>
      page.$eval("#view", (v, key) => (v as HTMLElement).dataset[key as string] ?? "", k);
    await page.waitForFunction(() => document.querySelector<HTMLElement>("#view")!.dataset.ticks, {
      timeout: 60_000,
    });
    const cdp = await page.createCDPSession();
    await page.select("#speed", "5000");
    const t0 = performance.now();
    let day = "";
    let dayStart = t0;
    const heaps: number[] = [];
    console.log("day   wall s  JS heap MiB  DOM nodes  lag ms  dropped  chart points (kept)");
    for (;;) {
      if (await view("ended") === "true") break;
      const now = await page.$eval("#q-day", (e) => e.textContent!);
      if (now !== day && day !== "") {
        // After a full collection, so that the figure is what the page holds, not its garbage.
        await cdp.send("HeapProfiler.collectGarbage");
        const m = await page.metrics();
        heaps.push(m.JSHeapUsedSize! / 2 ** 20);
        const total = await page.$eval("#chart", (e) => (e as HTMLElement).dataset.total);
        console.log(
          `${day.padEnd(5)} ${((performance.now() - dayStart) / 1000).toFixed(2).padStart(6)}  ` +
            `${heaps[heaps.length - 1].toFixed(1).padStart(11)}  ${String(m.Nodes).padStart(9)}  ` +
            `${(await view("lagMs")).padStart(6)}  ${
              (await view("dropped")).padStart(7)
            }  ${total}`,
        );
        dayStart = performance.now();
      }
      day = now;
      await new Promise((r) => setTimeout(r, 100));
    }
    const end = JSON.parse(await view("end"));
    const wall = (performance.now() - t0) / 1000;
    const ideal = 20 * (23400 / 5000) + 19 * 1.2;
    console.log(
      `20 days at speed 5000: ${wall.toFixed(1)} s wall (schedule ${ideal.toFixed(1)} s), ` +
        `${end.sent} snapshots sent, ${end.dropped} dropped, at most ${end.maxBacklogBytes} bytes ` +
        `queued on the socket, stream at most ${end.maxLagMs} ms behind schedule; JS heap ${
          heaps[0].toFixed(1)
        } MiB after day 1, max ` +
        `${Math.max(...heaps).toFixed(1)} MiB, ${
          heaps[heaps.length - 1].toFixed(1)
        } MiB after day 19`,
    );
  } finally {
    await browser.close();
    await server.stop();
    Deno.removeSync(data, { recursive: true });
  }
}
