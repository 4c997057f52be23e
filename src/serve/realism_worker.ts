/**
 * A source's realism figures (those `qrsdp compare` measures) in a worker thread (worker_job.ts),
 * so that the server goes on answering meanwhile.
 */
import type { RealismStats } from "../calibrate/realism_stats.ts";
import type { Analysis } from "./analysis.ts";
import { realismOf } from "./compare_sources.ts";
import type { CompareSource } from "./compare_sources.ts";
import { answerJobs, jobInWorker } from "./worker_job.ts";

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

/** The figures of `source` from a new worker started from `workerUrl`, or on this thread without one. */
export function realismInWorker(
  source: CompareSource,
  levels: number | null,
  workerUrl?: string | URL,
): Promise<Realism> {
  const job: RealismJob = { kind: "realism", source, levels };
  return jobInWorker(job, () => realismOf(source, levels), workerUrl);
}

/** The handler of a worker thread that measures sources: it takes RealismJobs. */
export function realismWorkerHandler(): (job: RealismJob) => Promise<void> {
  return answerJobs((m: RealismJob) => realismOf(m.source, m.levels));
}
