/**
 * Worker side of a run: generates the securities it is given into its own sinks and reports
 * each finished day. Loaded as a module worker; `main.ts` imports it so that the bundled and
 * compiled program can start itself as the worker.
 */
import { RECORD_SIZE } from "../format/record.ts";
import { RemoteChunkTarget } from "../sinks/chunk_target.ts";
import type { ChunkMessage, ChunkTarget } from "../sinks/chunk_target.ts";
import { closeRunSink, createRunSink } from "../sinks/factory.ts";
import type { SinkReport } from "../sinks/sink.ts";
import type { RunConfig } from "./config.ts";
import { runSecurity } from "./security_run.ts";
import type { DayReport } from "./security_run.ts";
import { StopFlag } from "./stop.ts";

export interface WorkerJob {
  kind: "job";
  cfg: RunConfig;
  securityIndices: number[];
  stop: SharedArrayBuffer;
  /** Hand full chunks to the main thread to compress and write (it has a core to spare). */
  offloadWrites: boolean;
}

export type WorkerMessage =
  | ChunkMessage
  | { kind: "day"; report: DayReport }
  | { kind: "progress"; securityIndex: number; date: string; events: number }
  | { kind: "done"; reports: SinkReport[]; error?: string };

export function inWorkerScope(): boolean {
  const scope = (globalThis as { WorkerGlobalScope?: new () => unknown }).WorkerGlobalScope;
  return scope !== undefined && globalThis instanceof scope;
}

/** Never rejects: a failure travels in the final "done" message. */
async function work(
  job: WorkerJob,
  post: (m: WorkerMessage) => void,
  target?: ChunkTarget,
): Promise<void> {
  const stop = new StopFlag(job.stop);
  let error: string | undefined;
  let sink;
  try {
    sink = await createRunSink(job.cfg.output.dir, job.cfg.kafka, target);
    for (const i of job.securityIndices) {
      await runSecurity(job.cfg, i, sink, stop, {
        onDay: (report) => post({ kind: "day", report }),
        onProgress: (securityIndex, date, events) =>
          post({ kind: "progress", securityIndex, date, events }),
      });
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  let reports: SinkReport[] = [];
  try {
    if (sink) reports = await closeRunSink(sink);
  } catch (e) {
    error ??= e instanceof Error ? e.message : String(e);
  }
  post({ kind: "done", reports, error });
}

if (inWorkerScope()) {
  const scope = globalThis as unknown as {
    onmessage: ((e: MessageEvent<WorkerJob>) => void) | null;
    postMessage(m: WorkerMessage): void;
  };
  const post = (m: WorkerMessage) => scope.postMessage(m);
  scope.onmessage = (e) => {
    const m = e.data;
    const chunkBytes = m.cfg.output.chunkSize * RECORD_SIZE;
    const remote = m.offloadWrites
      ? new RemoteChunkTarget(post, m.securityIndices.join("+"), chunkBytes)
      : undefined;
    work(m, post, remote);
  };
}
