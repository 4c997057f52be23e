import { buildManifest, writeManifest } from "../format/manifest.ts";
import type { ManifestSession, SecuritySessions } from "../format/manifest.ts";
import type { SinkReport } from "../sinks/sink.ts";
import { manifestSettings } from "./config.ts";
import type { RunConfig } from "./config.ts";
import type { DayReport } from "./security_run.ts";
import type { StopFlag } from "./stop.ts";
import type { WorkerJob, WorkerMessage } from "./worker.ts";
import { ChunkWriterHost } from "../sinks/chunk_target.ts";

export interface RunResult {
  days: DayReport[];
  /** One report per sink per worker. */
  sinkReports: SinkReport[];
  /** Worker failures (a sink that could not start, an exception in generation). */
  errors: string[];
  seconds: number;
}

export interface RunHooks {
  onDay?(report: DayReport): void;
  onProgress?(securityIndex: number, date: string, events: number): void;
  /** The module that starts a worker; defaults to `worker.ts` beside this file. */
  workerUrl?: string | URL;
}

/** Securities are dealt round-robin to the workers; each one runs its days in order. */
export function assignSecurities(count: number, workers: number): number[][] {
  const w = Math.max(1, Math.min(workers, count));
  const out: number[][] = Array.from({ length: w }, () => []);
  for (let i = 0; i < count; i++) out[i % w].push(i);
  return out;
}

/**
 * Runs every security of `cfg` in Web Workers and keeps `OUTPUT/manifest.json` current after
 * every finished day, so a stopped run still describes every file it wrote.
 */
export async function executeRun(cfg: RunConfig, stop: StopFlag, hooks: RunHooks = {}) {
  const started = performance.now();
  Deno.mkdirSync(cfg.output.dir, { recursive: true });
  const sessions: ManifestSession[][] = cfg.securities.map(() => []);
  const result: RunResult = { days: [], sinkReports: [], errors: [], seconds: 0 };
  const manifest = () =>
    buildManifest(
      manifestSettings(cfg),
      cfg.securities.map((s, i): SecuritySessions => ({
        symbol: s.symbol,
        p0Ticks: s.p0Ticks,
        sessions: sessions[i],
      })),
    );
  // Continuous mode needs every security running at once.
  const workers = cfg.session.days === 0 ? cfg.securities.length : cfg.workers;
  // With a core to spare per security, this thread compresses and writes the files.
  const offloadWrites = cfg.securities.length * 2 <= navigator.hardwareConcurrency;
  const host = new ChunkWriterHost();
  // A file this thread cannot write (disk full, ...) ends the run as a stop does, reported once.
  const fail = (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    if (!result.errors.includes(message)) result.errors.push(message);
    stop.request();
  };
  const url = hooks.workerUrl ?? new URL("./worker.ts", import.meta.url);
  await Promise.all(
    assignSecurities(cfg.securities.length, workers).map((securityIndices) =>
      new Promise<void>((resolve) => {
        const worker = new Worker(url, { type: "module" });
        worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
          const m = e.data;
          if (m.kind === "day") {
            result.days.push(m.report);
            sessions[m.report.securityIndex].push({
              date: m.report.date,
              seed: m.report.seed,
              file: m.report.file,
            });
            try {
              writeManifest(cfg.output.dir, manifest());
              hooks.onDay?.(m.report);
            } catch (e) {
              fail(e);
            }
          } else if (m.kind === "progress") {
            hooks.onProgress?.(m.securityIndex, m.date, m.events);
          } else if (m.kind !== "done") {
            try {
              host.handle(m);
            } catch (e) {
              fail(e);
            }
          } else {
            result.sinkReports.push(...m.reports);
            if (m.error) result.errors.push(m.error);
            worker.terminate();
            resolve();
          }
        };
        worker.onerror = (e) => {
          e.preventDefault();
          result.errors.push(e.message);
          stop.request();
          worker.terminate();
          resolve();
        };
        const job: WorkerJob = {
          kind: "job",
          cfg,
          securityIndices,
          stop: stop.buffer,
          offloadWrites,
        };
        worker.postMessage(job);
      })
    ),
  );
  writeManifest(cfg.output.dir, manifest());
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
