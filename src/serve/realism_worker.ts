/**
 * A source's realism figures (those `qrsdp compare` measures) in a worker thread, so that the
 * server goes on answering meanwhile. As with analyses, the worker is the program's own entry
 * module, which hands its messages to `realismWorkerHandler` when the first is a realism job.
 */
import type { RealismStats } from "../calibrate/realism_stats.ts";
import type { Analysis } from "./analysis.ts";
import { realismOf } from "./compare_sources.ts";
import type { CompareSource } from "./compare_sources.ts";

interface RealismJob {
  kind: "realism";
  source: CompareSource;
  levels: number | null;
}

/** A source's realism figures, and for real data the analysis page's. */
export interface Realism {
  stats: RealismStats;
  analysis: Analysis | null;
}

type RealismReply = { kind: "realism"; result: Realism } | { kind: "realism"; error: string };

/** The figures of `source` from a new worker started from `workerUrl`, or on this thread without one. */
export function realismInWorker(
  source: CompareSource,
  levels: number | null,
  workerUrl?: string | URL,
): Promise<Realism> {
  if (!workerUrl) return Promise.resolve().then(() => realismOf(source, levels));
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl, { type: "module" });
    worker.onmessage = (e: MessageEvent<RealismReply>) => {
      const m = e.data;
      if (m.kind !== "realism") return;
      worker.terminate();
      if ("error" in m) reject(new Error(m.error));
      else resolve(m.result);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      reject(new Error(e.message));
    };
    const job: RealismJob = { kind: "realism", source, levels };
    worker.postMessage(job);
  });
}

/** The handler of a worker thread that measures sources: it takes RealismJobs. */
export function realismWorkerHandler(): (job: RealismJob) => void {
  return async (m) => {
    let reply: RealismReply;
    try {
      reply = { kind: "realism", result: await realismOf(m.source, m.levels) };
    } catch (err) {
      reply = { kind: "realism", error: err instanceof Error ? err.message : String(err) };
    }
    (globalThis as unknown as { postMessage(m: RealismReply): void }).postMessage(reply);
  };
}
