/**
 * A session's analysis in a worker thread, so that the server goes on streaming meanwhile. The
 * worker is the program's own entry module (`main.ts`), which hands its messages to
 * `analysisWorkerHandler` when the first one is an analysis job.
 */
import { analyseSession } from "./analysis.ts";
import type { Analysis } from "./analysis.ts";

interface AnalysisJob {
  kind: "analysis";
  path: string;
  date: string;
}

type AnalysisReply = { kind: "analysis"; result: Analysis } | { kind: "analysis"; error: string };

/** Analyses `path` in a new worker started from `workerUrl`, or on this thread without one. */
export function analyseInWorker(
  path: string,
  date: string,
  workerUrl?: string | URL,
): Promise<Analysis> {
  if (!workerUrl) return Promise.resolve().then(() => analyseSession(path, date));
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl, { type: "module" });
    worker.onmessage = (e: MessageEvent<AnalysisReply>) => {
      const m = e.data;
      if (m.kind !== "analysis") return;
      worker.terminate();
      if ("error" in m) reject(new Error(m.error));
      else resolve(m.result);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      reject(new Error(e.message));
    };
    const job: AnalysisJob = { kind: "analysis", path, date };
    worker.postMessage(job);
  });
}

/** The handler of a worker thread that analyses sessions: it takes AnalysisJobs. */
export function analysisWorkerHandler(): (job: AnalysisJob) => void {
  return (m) => {
    let reply: AnalysisReply;
    try {
      reply = { kind: "analysis", result: analyseSession(m.path, m.date) };
    } catch (err) {
      reply = { kind: "analysis", error: err instanceof Error ? err.message : String(err) };
    }
    (globalThis as unknown as { postMessage(m: AnalysisReply): void }).postMessage(reply);
  };
}
