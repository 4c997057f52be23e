// For the tests only, so neither in deno.json nor in deno.lock (tests/deno.lock has it): Deno's
// `deno task` fetches every package of deno.lock before any task, `deno task run` included.
// deno-lint-ignore no-import-prefix
import puppeteer from "npm:puppeteer-core@25.16.0";
// deno-lint-ignore no-import-prefix
import type { Browser, Page } from "npm:puppeteer-core@25.16.0";
export type { Page };
import { spawnCli } from "../helpers.ts";

/** Chromium from the Debian archive (tests/browser/setup.sh), driven headless. */
export async function launchBrowser(): Promise<Browser> {
  return await puppeteer.launch({
    executablePath: Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium",
    headless: true,
    // As root Chromium needs --no-sandbox; /dev/shm is small in containers.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}

/** A page whose script errors fail the test that reads `errors`. */
export async function openPage(
  browser: Browser,
  url: string,
): Promise<Page & { errors: string[] }> {
  const page = await browser.newPage() as Page & { errors: string[] };
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String((e as Error).message ?? e)));
  // The console's errors too: a resource that failed to load (the icon, say), a CSP refusal.
  // An API answer of 4xx is logged as well; the tests check those answers themselves.
  page.on("console", (m) => {
    const url = m.location().url ?? "";
    if (m.type() !== "error") return;
    if (
      /^Failed to load resource/.test(m.text()) &&
      new URL(url, "http://x/").pathname.startsWith("/api/")
    ) return;
    page.errors.push(`console: ${m.text()} ${url}`);
  });
  await page.setViewport({ width: 1400, height: 1000 });
  await page.goto(url);
  return page;
}

/** The token the server wrote into its page (mutating requests carry it), or "" without one. */
export async function pageToken(url: string): Promise<string> {
  const html = await (await fetch(url)).text();
  return /<meta name="qrsdp-token" content="([0-9a-f]+)">/.exec(html)?.[1] ?? "";
}

export interface Dashboard {
  url: string;
  /** The page's token, for requests that change something. */
  token: string;
  process: Deno.ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<Deno.CommandStatus>;
}

/**
 * Starts `main.ts` with `args` (`serve ...` or `run ... --serve ...`) and waits for the line
 * announcing the dashboard's address; stderr keeps being read so that the process never blocks.
 */
export async function startDashboard(
  args: string[],
  env?: Record<string, string>,
): Promise<Dashboard> {
  const process = spawnCli(args, env);
  let text = "";
  let url: string | null = null;
  const { promise: ready, resolve: announced } = Promise.withResolvers<string>();
  const reading = (async () => {
    const dec = new TextDecoder();
    for await (const chunk of process.stderr) {
      text += dec.decode(chunk, { stream: true });
      const m = /dashboard at (http:\/\/\S+?\/)/.exec(text);
      if (m && url === null) {
        url = m[1];
        announced(url);
      }
    }
  })();
  const draining = process.stdout.pipeTo(new WritableStream());
  const exited = process.status.then((s) => {
    if (url === null) throw new Error(`exited with ${s.code} before serving: ${text}`);
    return s;
  });
  url = await Promise.race([ready, exited.then(() => "")]);
  const token = url ? await pageToken(url) : "";
  return {
    url,
    token,
    process,
    stderr: () => text,
    /** SIGTERM; a `run --serve` whose run was still going gets a second one once it is over. */
    stop: async () => {
      let exited = false;
      const status = process.status.finally(() => exited = true);
      const kill = () => {
        try {
          process.kill("SIGTERM");
        } catch {
          // Already gone.
        }
      };
      const serving = text.includes("stays at");
      kill();
      if (!serving) {
        while (!exited && !text.includes("stays at")) await new Promise((r) => setTimeout(r, 50));
        if (!exited) kill();
      }
      await status;
      await reading;
      await draining;
      return await status;
    },
  };
}
