/**
 * A session's analysis in a worker thread (worker_job.ts), so that the server goes on streaming
 * meanwhile.
 */
import { analyseSession } from "./analysis.ts";
import type { Analysis } from "./analysis.ts";
import { answerJobs, jobInWorker } from "./worker_job.ts";

interface AnalysisJob {
  kind: "analysis";
  path: string;
  date: string;
}

/** Analyses `path` in a new worker started from `workerUrl`, or on this thread without one. */
export function analyseInWorker(
  path: string,
  date: string,
  workerUrl?: string | URL,
): Promise<Analysis> {
  const job: AnalysisJob = { kind: "analysis", path, date };
  return jobInWorker(job, () => analyseSession(path, date), workerUrl);
}

/** The handler of a worker thread that analyses sessions: it takes AnalysisJobs. */
export function analysisWorkerHandler(): (job: AnalysisJob) => Promise<void> {
  return answerJobs((m: AnalysisJob) => analyseSession(m.path, m.date));
}
