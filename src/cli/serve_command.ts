import { DataError, UsageError } from "../core/errors.ts";
import { ClickHouse } from "../platform/client.ts";
import { clickHouseSettings } from "../platform/settings.ts";
import type { RunConfig } from "../run/config.ts";
import type { DayReport, SecurityProgress } from "../run/security_run.ts";
import { Catalog, isRunId } from "../serve/catalog.ts";
import { DEFAULT_IDLE_SECONDS, startServer } from "../serve/server.ts";
import type { PlatformView, Server } from "../serve/server.ts";
import { DEFAULT_LIMITS } from "../serve/limits.ts";
import { checkOutputPath } from "../core/output_path.ts";
import { flags, parseCommand, parseNumber } from "./flags.ts";
import { runConfigFromArgs } from "./run_options.ts";

export const SERVE_COMMAND = {
  name: "serve",
  summary: "the dashboard in a browser: create simulations, replay them, analyse them",
  usage: "qrsdp serve [flags]",
  flags: flags({
    data: {
      type: "string",
      default: "output",
      help: "folder of run directories: new simulations go here; every run in it can be opened",
    },
    host: {
      type: "string",
      default: "127.0.0.1",
      help: "address to listen on (0.0.0.0: reachable from other machines)",
      check: { test: isListenAddress, what: "an IP address or a host name" },
    },
    port: {
      type: "number",
      default: 8080,
      integer: true,
      min: 0,
      max: 65535,
      help: "TCP port (0: any free port)",
    },
    clickhouse: {
      type: "boolean",
      help: "show the platform's view from ClickHouse (also when CLICKHOUSE_HOST is set)",
    },
    "idle-timeout": {
      type: "number",
      default: DEFAULT_IDLE_SECONDS,
      integer: true,
      min: 1,
      max: 86400,
      help: "seconds a connection may stay silent before it is closed (WebSockets are pinged)",
    },
    "max-simulations": {
      type: "number",
      default: DEFAULT_LIMITS.simulations,
      integer: true,
      min: 1,
      max: 1000,
      help: "simulations generating at once; more are refused (429) until one ends",
    },
    "max-events": {
      type: "number",
      default: DEFAULT_LIMITS.eventsPerSimulation,
      integer: true,
      min: 1,
      help: "events one simulation may generate (estimated at 100 a second of session: " +
        "larger ones are refused, 413; one that reaches it is stopped)",
    },
    "max-server-events": {
      type: "number",
      default: DEFAULT_LIMITS.eventsPerServer,
      integer: true,
      min: 1,
      help: "events the running simulations may generate together (429 beyond)",
    },
    "max-disk-mb": {
      type: "number",
      default: DEFAULT_LIMITS.diskBytes / 2 ** 20,
      integer: true,
      min: 1,
      help: "MiB the data directory may hold: its runs plus what running simulations may " +
        "still write (16 bytes an event); a simulation that would pass it is refused (429)",
    },
  }),
  notes: `Simulations run in this process's worker threads, each into a run directory under --data
(it survives a restart). ClickHouse settings come from the CLICKHOUSE_* variables.
SIGINT/SIGTERM: simulations in progress stop with their files closed, then the server exits.`,
};

/** Gives a run configuration with every `qrsdp run` default, writing to `output`. */
async function baseConfigs(): Promise<(output: string) => RunConfig> {
  const defaults = await runConfigFromArgs([]);
  return (output) => ({ ...defaults, output: { ...defaults.output, dir: output } });
}

function platformView(): PlatformView {
  return async () => {
    const ch = new ClickHouse(clickHouseSettings({}, (n) => Deno.env.get(n)));
    try {
      const midprice = await ch.rows(
        "SELECT symbol, best_bid_ticks, best_ask_ticks, midprice_ticks FROM v_current_midprice " +
          "ORDER BY symbol",
      );
      const rows = await ch.rows(
        "SELECT symbol, toString(date) AS date, count() AS rows FROM exchange_events " +
          "GROUP BY symbol, date ORDER BY symbol, date",
      );
      return { midprice, rows };
    } finally {
      await ch.close();
    }
  };
}

/** A literal IPv4 address (each part 0-255), an IPv6 one, or a host name. */
export function isListenAddress(text: string): boolean {
  if (/^[\d.]+$/.test(text)) {
    const parts = text.split(".");
    return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
  }
  if (text.includes(":")) return /^[0-9a-fA-F:.]+$/.test(text);
  return /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/.test(text);
}

/** Listens, naming the flag at fault: the port when it is taken, else the address. */
async function listen(
  opts: Parameters<typeof startServer>[0],
  hostFlag: string,
  portFlag = hostFlag,
): Promise<Server> {
  try {
    return await startServer(opts);
  } catch (e) {
    const flag = e instanceof Deno.errors.AddrInUse ? portFlag : hostFlag;
    throw new DataError(
      `${flag}: cannot listen on ${opts.hostname}:${opts.port} (${(e as Error).message})`,
    );
  }
}

function untilSignal(): Promise<void> {
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  return new Promise((resolve) => {
    const handler = () => {
      for (const s of signals) Deno.removeSignalListener(s, handler);
      resolve();
    };
    for (const s of signals) Deno.addSignalListener(s, handler);
  });
}

export async function serveCommand(args: string[], workerUrl?: string | URL): Promise<number> {
  const parsed = await parseCommand(SERVE_COMMAND, args);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const data = values.data;
  checkOutputPath(data, "--data");
  let catalog: Catalog;
  try {
    catalog = new Catalog(data);
  } catch (e) {
    throw new DataError(`--data: cannot use ${data} (${(e as Error).message})`);
  }
  const withClickHouse = values.clickhouse === true ||
    Deno.env.get("CLICKHOUSE_HOST") !== undefined;
  const server = await listen(
    {
      dataDir: data,
      catalog,
      hostname: values.host,
      port: values.port,
      baseConfig: await baseConfigs(),
      workerUrl,
      platform: withClickHouse ? platformView() : null,
      idleSeconds: values["idle-timeout"],
      limits: {
        simulations: values["max-simulations"],
        eventsPerSimulation: values["max-events"],
        eventsPerServer: values["max-server-events"],
        diskBytes: values["max-disk-mb"] * 2 ** 20,
        workers: navigator.hardwareConcurrency,
      },
    },
    "--host",
    "--port",
  );
  console.error(`qrsdp serve: dashboard at ${server.url} (data in ${catalog.root})`);
  await untilSignal();
  console.error("qrsdp serve: stopping");
  await server.close();
  return 0;
}

/** `qrsdp run --serve [HOST:]PORT`: the dashboard, opened on the run being generated. */
export interface LiveServer {
  onDay(d: DayReport): void;
  onProgress(progress: SecurityProgress): void;
  /** The run is over: keep serving until SIGINT/SIGTERM, then stop. */
  finish(error?: string): Promise<void>;
}

export function parseServeAddress(text: string): { hostname: string; port: number } {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[^:\[\]]+):)?(\d+)$/.exec(text);
  if (!m) throw new UsageError(`--serve: '${text}' is not [HOST:]PORT`);
  const port = parseNumber("--serve", m[2], { integer: true, min: 0, max: 65535 });
  const hostname = (m[1] ?? "127.0.0.1").replace(/^\[|\]$/g, "");
  if (!isListenAddress(hostname)) {
    throw new UsageError(`--serve: '${hostname}' is not an IP address or a host name`);
  }
  return { hostname, port };
}

export async function serveLive(
  address: string,
  cfg: RunConfig,
  workerUrl?: string | URL,
): Promise<LiveServer> {
  const { hostname, port } = parseServeAddress(address);
  const dir = cfg.output.dir.replace(/\/+$/, "");
  const slash = dir.lastIndexOf("/");
  const id = dir.slice(slash + 1);
  const dataDir = slash < 0 ? "." : dir.slice(0, slash) || "/";
  if (!isRunId(id)) {
    throw new UsageError(
      `--serve: the run folder name '${id}' must be a plain name (A-Z a-z 0-9 . _ -)`,
    );
  }
  const catalog = new Catalog(dataDir);
  const active = {
    plan: {
      symbols: cfg.securities.map((s) => s.symbol),
      p0Ticks: cfg.securities.map((s) => s.p0Ticks),
      days: cfg.session.days,
      sessionSeconds: cfg.session.seconds,
      seed: Number(cfg.seed),
      startDate: cfg.session.startDate,
      levels: cfg.book.levels,
      ...(cfg.model.thetaReinit > 0 ? { thetaReinit: cfg.model.thetaReinit } : {}),
      ...(cfg.session.calendar === "nyse" ? { calendar: cfg.session.calendar } : {}),
    },
    running: true,
    partial: cfg.securities.map(() => 0),
    error: undefined as string | undefined,
  };
  catalog.active.set(id, active);
  const server = await listen({
    dataDir,
    catalog,
    hostname,
    port,
    baseConfig: await baseConfigs(),
    workerUrl,
    liveRun: id,
  }, "--serve");
  console.error(`qrsdp run: dashboard at ${server.url}#/live/${id}`);
  return {
    onDay: (d) => active.partial[d.securityIndex] = 0,
    onProgress: (p) => active.partial[p.securityIndex] = p.events,
    finish: async (error) => {
      active.running = false;
      active.error = error;
      active.partial = active.partial.map(() => 0);
      console.error(
        `qrsdp run: the run is over; the dashboard stays at ${server.url} until SIGINT/SIGTERM`,
      );
      await untilSignal();
      await server.close();
    },
  };
}
