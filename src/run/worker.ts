/**
 * Worker side of a run: generates the securities it is given into its own sinks and reports
 * each session as it starts and ends. Loaded as a module worker; `main.ts` imports it so that the
 * bundled and compiled program can start itself as the worker.
 */
import { RECORD_SIZE } from "../format/record.ts";
import { RemoteChunkTarget } from "../sinks/chunk_target.ts";
import type { ChunkMessage, ChunkTarget } from "../sinks/chunk_target.ts";
import { closeRunSink, createRunSink } from "../sinks/factory.ts";
import { TapSink } from "../sinks/tap_sink.ts";
import type { TapMessage } from "../sinks/tap_sink.ts";
import { UNNAMED_KEY } from "../kafka/message.ts";
import type { LabelledSinkReport } from "./run.ts";
import type { RunConfig } from "./config.ts";
import { runSecurity } from "./security_run.ts";
import type { DayReport, SecurityProgress, SessionStart } from "./security_run.ts";
import { StopFlag } from "./stop.ts";

export interface WorkerJob {
  kind: "job";
  cfg: RunConfig;
  securityIndices: number[];
  stop: SharedArrayBuffer;
  /**
   * One Int32: how many "begin" messages the main thread has handled. A session's file is
   * created only once the manifest lists it, so no file is ever on disk unlisted.
   */
  begun: SharedArrayBuffer;
  /** Hand full chunks to the main thread to compress and write (it has a core to spare). */
  offloadWrites: boolean;
  /** Hand every record to the main thread too (the live ITCH feed). */
  tap: boolean;
}

export type WorkerMessage =
  | ChunkMessage
  | TapMessage
  | { kind: "begin"; start: SessionStart; sequence: number }
  | { kind: "day"; report: DayReport }
  | { kind: "progress"; progress: SecurityProgress }
  | { kind: "warning"; message: string }
  | { kind: "done"; reports: LabelledSinkReport[]; errors: string[] };

export function inWorkerScope(): boolean {
  const scope = (globalThis as { WorkerGlobalScope?: new () => unknown }).WorkerGlobalScope;
  return scope !== undefined && globalThis instanceof scope;
}

/**
 * Runs `indices` one after another into one set of sinks; never rejects: a failure is returned
 * with the sink reports, labelled with the securities they served.
 */
async function runGroup(
  job: WorkerJob,
  indices: number[],
  post: (m: WorkerMessage) => void,
  begin: (start: SessionStart) => void,
  target?: ChunkTarget,
): Promise<{ reports: LabelledSinkReport[]; error?: string }> {
  const { cfg } = job;
  const stop = new StopFlag(job.stop);
  const symbols = indices.flatMap((i) => cfg.securities[i].symbol ?? []).join(",");
  let error: string | undefined;
  let sink;
  try {
    sink = await createRunSink(cfg.output.dir, cfg.kafka, {
      target,
      extra: job.tap ? [new TapSink(post)] : [],
      stop,
      onKafkaDown: (why) =>
        post({
          kind: "warning",
          message: `kafka${symbols ? ` (${symbols})` : ""}: ${why}; events go to the files only`,
        }),
    });
    for (const i of indices) {
      await runSecurity(cfg, i, sink, stop, {
        onBegin: begin,
        onDay: (report) => post({ kind: "day", report }),
        onProgress: (progress) => post({ kind: "progress", progress }),
      });
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  let reports: LabelledSinkReport[] = [];
  try {
    const labels = {
      securityIndices: indices,
      symbols: indices.map((i) => cfg.securities[i].symbol ?? UNNAMED_KEY),
    };
    if (sink) reports = (await closeRunSink(sink)).map((r) => ({ ...r, ...labels }));
  } catch (e) {
    error ??= e instanceof Error ? e.message : String(e);
  }
  return { reports, error };
}

/**
 * Batch runs take the worker's securities one after another; continuous and paced runs take
 * them all at once, each with sinks of its own, so that every security makes progress whatever
 * the number of workers.
 */
async function work(
  job: WorkerJob,
  post: (m: WorkerMessage) => void,
  makeTarget?: () => ChunkTarget,
): Promise<void> {
  const begun = new Int32Array(job.begun);
  let sequence = 0;
  const begin = (start: SessionStart) => {
    post({ kind: "begin", start, sequence: ++sequence });
    while (Atomics.load(begun, 0) < sequence) Atomics.wait(begun, 0, sequence - 1, 1000);
  };
  const { session, pacing } = job.cfg;
  // --rate shares one rate among the securities, and a live ITCH feed advances its days only
  // when every security has reached them: they run at once too.
  const together = session.days === 0 || pacing.realtime || pacing.rate !== null || job.tap;
  const groups = together ? job.securityIndices.map((i) => [i]) : [job.securityIndices];
  const results = await Promise.all(
    groups.map((g) => runGroup(job, g, post, begin, makeTarget?.())),
  );
  post({
    kind: "done",
    reports: results.flatMap((r) => r.reports),
    errors: results.flatMap((r) => r.error ? [r.error] : []),
  });
}

if (inWorkerScope()) {
  const scope = globalThis as unknown as {
    onmessage: ((e: MessageEvent<WorkerJob>) => void) | null;
    postMessage(m: WorkerMessage): void;
  };
  const post = (m: WorkerMessage) => scope.postMessage(m);
  scope.onmessage = (e) => {
    const m = e.data;
    // The same entry module also serves other kinds of work (the dashboard's analysis).
    if (m.kind !== "job") return;
    const chunkBytes = m.cfg.output.chunkSize * RECORD_SIZE;
    let targets = 0;
    const makeTarget = m.offloadWrites
      ? () => new RemoteChunkTarget(post, `${m.securityIndices.join("+")}.${targets++}`, chunkBytes)
      : undefined;
    work(m, post, makeTarget);
  };
}
