import { buildManifest, manifestJson, writeManifest } from "../format/manifest.ts";
import type { ManifestSession, SecuritySessions } from "../format/manifest.ts";
import type { SinkReport } from "../sinks/sink.ts";
import type { TapMessage } from "../sinks/tap_sink.ts";
import { manifestSettings } from "./config.ts";
import type { RunConfig } from "./config.ts";
import { openRunDir } from "./run_dir.ts";
import type { DayReport, SecurityProgress } from "./security_run.ts";
import type { StopFlag } from "./stop.ts";
import type { WorkerJob, WorkerMessage } from "./worker.ts";
import { ChunkWriterHost } from "../sinks/chunk_target.ts";

/** A sink's report, with the symbols of the securities it served ("DEFAULT": the unnamed one). */
export interface LabelledSinkReport extends SinkReport {
  securityIndices: number[];
  symbols: string[];
}

export interface RunResult {
  days: DayReport[];
  /** One report per sink per worker (per security in continuous and paced runs). */
  sinkReports: LabelledSinkReport[];
  /** Worker failures (a sink that could not start, an exception in generation). */
  errors: string[];
  seconds: number;
}

export interface RunHooks {
  onDay?(report: DayReport): void;
  onProgress?(progress: SecurityProgress): void;
  /** Something the user should know at once, while the run goes on (Kafka unreachable). */
  onWarning?(message: string): void;
  /**
   * Every session start, batch of records and session end, as the workers make them (the live
   * ITCH feed). A throw is reported as the run's error; generation goes on.
   */
  onTap?(m: TapMessage): void;
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
 * Runs every security of `cfg` in Web Workers, in a run directory it holds alone (run_dir.ts).
 * `OUTPUT/manifest.json` lists every session's file before the file is created, marked
 * `"in_progress": true` until its day ends, so whenever and however the run stops (a second
 * signal, kill -9, a full disk), every `.qrsdp` file on disk is in the manifest.
 */
export async function executeRun(cfg: RunConfig, stop: StopFlag, hooks: RunHooks = {}) {
  const started = performance.now();
  const dir = openRunDir(cfg.output.dir, cfg.output.force, "--output", cfg.output.companions);
  const sessions: ManifestSession[][] = cfg.securities.map(() => []);
  const result: RunResult = { days: [], sinkReports: [], errors: [], seconds: 0 };
  // A file this thread cannot write (disk full, ...) ends the run as a stop does, reported once.
  const fail = (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    if (!result.errors.includes(message)) result.errors.push(message);
    stop.request();
  };
  let written = "";
  const saveManifest = () => {
    const manifest = buildManifest(
      manifestSettings(cfg),
      cfg.securities.map((s, i): SecuritySessions => ({
        symbol: s.symbol,
        p0Ticks: s.p0Ticks,
        sessions: sessions[i],
      })),
    );
    // Unchanged, it is not written again: after a full disk, that would only fail again.
    if (manifestJson(manifest) === written) return;
    writeManifest(cfg.output.dir, manifest);
    written = manifestJson(manifest);
  };
  // With a core to spare per security, this thread compresses and writes the files.
  const offloadWrites = cfg.securities.length * 2 <= navigator.hardwareConcurrency;
  const host = new ChunkWriterHost();
  const url = hooks.workerUrl ?? new URL("./worker.ts", import.meta.url);
  try {
    saveManifest();
    await Promise.all(
      assignSecurities(cfg.securities.length, cfg.workers).map((securityIndices) =>
        new Promise<void>((resolve) => {
          const worker = new Worker(url, { type: "module" });
          const begun = new Int32Array(new SharedArrayBuffer(4));
          worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
            const m = e.data;
            if (m.kind === "begin") {
              const { securityIndex, date, seed, file } = m.start;
              sessions[securityIndex].push({ date, seed, file, in_progress: true });
              try {
                saveManifest();
              } catch (e) {
                fail(e);
              } finally {
                Atomics.store(begun, 0, m.sequence);
                Atomics.notify(begun, 0);
              }
            } else if (m.kind === "day") {
              result.days.push(m.report);
              const listed = sessions[m.report.securityIndex].find((s) => s.file === m.report.file);
              // A file this thread failed to write stays marked: it is not complete.
              if (!host.failed.has(`${cfg.output.dir}/${m.report.file}`)) {
                delete listed?.in_progress;
              }
              try {
                saveManifest();
                hooks.onDay?.(m.report);
              } catch (e) {
                fail(e);
              }
            } else if (m.kind === "progress") {
              hooks.onProgress?.(m.progress);
            } else if (m.kind === "warning") {
              hooks.onWarning?.(m.message);
            } else if (m.kind === "tap-begin" || m.kind === "tap-records" || m.kind === "tap-end") {
              try {
                hooks.onTap?.(m);
              } catch (e) {
                const message = e instanceof Error ? e.message : String(e);
                if (!result.errors.includes(message)) result.errors.push(message);
              }
            } else if (m.kind !== "done") {
              try {
                host.handle(m);
              } catch (e) {
                fail(e);
              }
            } else {
              result.sinkReports.push(...m.reports);
              for (const error of m.errors) fail(error);
              worker.terminate();
              resolve();
            }
          };
          worker.onerror = (e) => {
            e.preventDefault();
            fail(e.message);
            worker.terminate();
            resolve();
          };
          const job: WorkerJob = {
            kind: "job",
            cfg,
            securityIndices,
            stop: stop.buffer,
            begun: begun.buffer as SharedArrayBuffer,
            offloadWrites,
            tap: hooks.onTap !== undefined,
          };
          worker.postMessage(job);
        })
      ),
    );
    try {
      saveManifest();
    } catch (e) {
      fail(e);
    }
  } finally {
    dir.release();
  }
  result.sinkReports.sort((a, b) => a.securityIndices[0] - b.securityIndices[0]);
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
