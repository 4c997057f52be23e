import { isSymbol, SYMBOL_RULE } from "../core/symbol.ts";
import { defaultHlrCurves } from "../model/hlr_curves.ts";
import type { RunConfig } from "../run/config.ts";
import { executeRun } from "../run/run.ts";
import { removeRunDir } from "../run/run_dir.ts";
import { StopFlag } from "../run/stop.ts";
import { META_FILE } from "./catalog.ts";
import { BadRequest, Conflict, NotFound } from "./http_error.ts";
import type { Catalog, RunPlan, RunSummary } from "./catalog.ts";
import { Budget, DEFAULT_LIMITS, diskUsage } from "./limits.ts";
import type { Limits } from "./limits.ts";
import { PRESETS } from "./presets.ts";

export const SESSION_LENGTHS = [3600, 7200, 23400];
export const MAX_DAYS = 252;

export interface SimulationRequest {
  /** One symbol, or several separated by commas (each its own security, same start price). */
  symbol: string;
  p0: number;
  sessionSeconds: number;
  days: number;
  preset: string;
  seed: number;
}

/** Checks a create request field by field; the message names the field. */
export function parseRequest(body: unknown): SimulationRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new BadRequest("the body must be a JSON object");
  }
  const b = body as Record<string, unknown>;
  const int = (name: string, min: number, max: number, fallback?: number): number => {
    const v = b[name] ?? fallback;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new BadRequest(`${name}: must be a whole number from ${min} to ${max}`);
    }
    return v;
  };
  const symbol = typeof b.symbol === "string" ? b.symbol.trim().toUpperCase() : "";
  const symbols = symbol.split(",").map((s) => s.trim());
  if (!symbols.every(isSymbol)) {
    throw new BadRequest(`symbol: ${SYMBOL_RULE} (several separated by commas)`);
  }
  if (new Set(symbols).size !== symbols.length) throw new BadRequest("symbol: a symbol repeats");
  const sessionSeconds = int("sessionSeconds", 1, 23400, 23400);
  if (!SESSION_LENGTHS.includes(sessionSeconds)) {
    throw new BadRequest(`sessionSeconds: one of ${SESSION_LENGTHS.join(", ")}`);
  }
  const preset = b.preset ?? "default";
  if (!PRESETS.some((p) => p.name === preset)) {
    throw new BadRequest(`preset: one of ${PRESETS.map((p) => p.name).join(", ")}`);
  }
  return {
    symbol: symbols.join(","),
    p0: int("p0", 1, 2 ** 31 - 1),
    sessionSeconds,
    days: int("days", 1, MAX_DAYS),
    preset: preset as string,
    seed: int("seed", 0, 2 ** 52, 42),
  };
}

/**
 * A run id from the symbols and seed that is always a plain name: symbols may start with . _ -
 * and many together are long, neither of which a run id may be.
 */
export function runName(symbols: string[], seed: number): string {
  const joined = symbols.join("-").replace(/^[._-]+/, "").slice(0, 80);
  return `${joined || "run"}-${seed}`;
}

interface Running {
  stop: StopFlag;
  done: Promise<void>;
}

/**
 * Simulations run in this process's workers, each into a run directory of its own under the
 * data directory, described by `simulation.json` so that it is known again after a restart.
 */
export class Simulations {
  private readonly running = new Map<string, Running>();

  private readonly budget: Budget;

  constructor(
    private readonly catalog: Catalog,
    /** A run configuration with every default, writing to `output`. */
    private readonly baseConfig: (output: string) => RunConfig,
    private readonly workerUrl?: string | URL,
    limits: Limits = DEFAULT_LIMITS,
  ) {
    this.budget = new Budget(limits);
  }

  /** Starts a simulation within the limits: 413 when it is too large, 429 while too busy. */
  async create(body: unknown): Promise<RunSummary> {
    const req = parseRequest(body);
    const symbols = req.symbol.split(",");
    const share = this.budget.estimate(symbols.length, req.days, req.sessionSeconds);
    this.budget.check(share);
    const used = await this.usage();
    const preset = PRESETS.find((p) => p.name === req.preset)!;
    const name = runName(symbols, req.seed);
    let id = name;
    for (let n = 2; this.catalog.exists(id) || this.taken(id); n++) id = `${name}-${n}`;
    this.budget.reserve(id, share, used);
    const dir = this.catalog.dir(id, false);
    const base = this.baseConfig(dir);
    const cfg: RunConfig = {
      ...base,
      seed: BigInt(req.seed),
      securities: symbols.map((symbol) => ({ symbol, p0Ticks: req.p0 })),
      workers: share.workers,
      session: { ...base.session, days: req.days, seconds: req.sessionSeconds },
      model: {
        ...base.model,
        kind: preset.model,
        hlrCurves: preset.model === "hlr" ? defaultHlrCurves(base.book.levels) : null,
        simple: preset.simple,
      },
      pacing: { ...base.pacing, realtime: false },
      kafka: null,
      // The run directory must be empty but for this command's own metadata.
      output: { ...base.output, companions: [META_FILE] },
    };
    const plan: RunPlan = {
      symbols,
      p0Ticks: symbols.map(() => req.p0),
      days: req.days,
      sessionSeconds: req.sessionSeconds,
      seed: req.seed,
      startDate: cfg.session.startDate,
      levels: cfg.book.levels,
      preset: req.preset,
    };
    Deno.mkdirSync(dir, { recursive: true });
    Deno.writeTextFileSync(
      `${dir}/${META_FILE}`,
      JSON.stringify({ plan, created: new Date().toISOString() }, null, 2) + "\n",
    );
    const active = { plan, running: true, partial: symbols.map(() => 0) } as {
      plan: RunPlan;
      running: boolean;
      partial: number[];
      error?: string;
    };
    this.catalog.active.set(id, active);
    const stop = new StopFlag();
    // A simulation never generates more than its share, whatever its estimate said.
    let finished = 0;
    const enforce = () => {
      const events = finished + active.partial.reduce((a, b) => a + b, 0);
      if (events >= share.events && !stop.requested) {
        active.error = `stopped at its limit of ${share.events.toLocaleString("en-US")} events`;
        stop.request();
      }
    };
    const done = executeRun(cfg, stop, {
      workerUrl: this.workerUrl,
      inWorkers: true,
      onProgress: (p) => {
        active.partial[p.securityIndex] = p.events;
        enforce();
      },
      onDay: (d) => {
        active.partial[d.securityIndex] = 0;
        finished += d.events;
        enforce();
      },
    }).then((result) => {
      if (result.errors.length) active.error = result.errors.join("; ");
    }, (e) => {
      active.error = e instanceof Error ? e.message : String(e);
    }).finally(() => {
      active.running = false;
      active.partial = symbols.map(() => 0);
      this.running.delete(id);
      this.budget.release(id);
    });
    this.running.set(id, { stop, done });
    return this.catalog.summary(id);
  }

  /**
   * Stops the run if it is being generated here, then removes its directory as `run --force`
   * would empty it: refused (409) while another process writes it (its lock is held) or when it
   * holds files that are not a run's.
   */
  async delete(id: string): Promise<void> {
    const dir = this.catalog.dir(id);
    const running = this.running.get(id);
    if (!running && this.catalog.active.get(id)?.running) {
      throw new Conflict(`run '${id}' is being generated by 'qrsdp run'; stop it there`);
    }
    if (running) {
      running.stop.request();
      await running.done;
    }
    try {
      removeRunDir(dir, [META_FILE], (why) => new Conflict(why), `run '${id}'`);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) throw new NotFound(`no run '${id}'`);
      throw e;
    }
    this.catalog.active.delete(id);
  }

  async stopAll(): Promise<void> {
    for (const r of this.running.values()) r.stop.request();
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** The data directory's size; requests arriving together share one count. */
  private usage(): Promise<number> {
    this.counting ??= diskUsage(this.catalog.root).finally(() => this.counting = null);
    return this.counting;
  }
  private counting: Promise<number> | null = null;

  private taken(id: string): boolean {
    try {
      Deno.statSync(this.catalog.dir(id, false));
      return true;
    } catch {
      return false;
    }
  }
}
