/**
 * Worker side of a run: generates what it is given into its own sinks and reports each finished
 * day. Loaded as a module worker; `main.ts` imports it so that the bundled and compiled program
 * can start itself as the worker. A short run uses the same `WorkerRunner` in the main thread.
 */
import { RECORD_SIZE } from "../format/record.ts";
import { RemoteChunkTarget } from "../sinks/chunk_target.ts";
import type { ChunkMessage, ChunkTarget } from "../sinks/chunk_target.ts";
import { closeRunSink, createRunSink } from "../sinks/factory.ts";
import type { MultiplexSink } from "../sinks/multiplex_sink.ts";
import type { Sink, SinkReport } from "../sinks/sink.ts";
import { TapSink } from "../sinks/tap_sink.ts";
import type { TapMessage } from "../sinks/tap_sink.ts";
import type { RunConfig } from "./config.ts";
import { runDay, runSecurity } from "./security_run.ts";
import type { DayReport, DayTask, SecurityProgress } from "./security_run.ts";
import { StopFlag } from "./stop.ts";

/** Opens a worker's sinks: then either every day of `securityIndices`, or tasks one by one. */
export interface WorkerJob {
  kind: "job";
  cfg: RunConfig;
  /** Every day of these securities, in turn; empty when day tasks follow instead. */
  securityIndices: number[];
  /** Names this worker's files to the thread that writes them. */
  owner: string;
  stop: SharedArrayBuffer;
  /** Hand full chunks to the main thread to compress and write (it has a core to spare). */
  offloadWrites: boolean;
  /** Hand every record to the main thread too (the live ITCH feed). */
  tap: boolean;
}

export type WorkerRequest =
  | WorkerJob
  | { kind: "task"; task: DayTask }
  /** No more tasks: close the sinks and report. */
  | { kind: "finish" };

export type WorkerMessage =
  | ChunkMessage
  | TapMessage
  | { kind: "day"; report: DayReport }
  | { kind: "failed"; task: DayTask; error: string }
  | { kind: "progress"; progress: SecurityProgress }
  | { kind: "done"; reports: SinkReport[]; error?: string };

export function inWorkerScope(): boolean {
  const scope = (globalThis as { WorkerGlobalScope?: new () => unknown }).WorkerGlobalScope;
  return scope !== undefined && globalThis instanceof scope;
}

const message = (e: unknown) => e instanceof Error ? e.message : String(e);

/**
 * Handles a worker's requests in order, one at a time. Never throws: failures travel in messages
 * ("failed" for a day task, the final "done" otherwise).
 */
export class WorkerRunner {
  private queue: Promise<void> = Promise.resolve();
  private job: WorkerJob | null = null;
  private stop = new StopFlag();
  private sink: Sink | MultiplexSink | null = null;
  /** Why the sinks could not open: each day task then fails with it. */
  private openError: string | undefined;
  /** Reported in "done". */
  private error: string | undefined;

  constructor(private readonly post: (m: WorkerMessage) => void) {}

  handle(request: WorkerRequest): void {
    this.queue = this.queue.then(() => this.run(request));
  }

  private async run(request: WorkerRequest): Promise<void> {
    if (request.kind === "job") {
      await this.open(request);
      if (request.securityIndices.length > 0) await this.runSecurities(request.securityIndices);
    } else if (request.kind === "task") {
      await this.runTask(request.task);
    } else {
      await this.close();
    }
  }

  private async open(job: WorkerJob): Promise<void> {
    this.job = job;
    this.stop = new StopFlag(job.stop);
    const target: ChunkTarget | undefined = job.offloadWrites
      ? new RemoteChunkTarget(this.post, job.owner, job.cfg.output.chunkSize * RECORD_SIZE)
      : undefined;
    try {
      const extra = job.tap ? [new TapSink(this.post)] : [];
      this.sink = await createRunSink(job.cfg.output.dir, job.cfg.kafka, target, extra);
    } catch (e) {
      this.openError = message(e);
    }
  }

  private hooks() {
    return {
      onDay: (report: DayReport) => this.post({ kind: "day", report }),
      onProgress: (progress: SecurityProgress) => this.post({ kind: "progress", progress }),
    };
  }

  /** Every day of these securities; a failure ends the job (reported in "done"). */
  private async runSecurities(securityIndices: number[]): Promise<void> {
    if (!this.sink) {
      this.error = this.openError;
      return await this.close();
    }
    try {
      for (const i of securityIndices) {
        await runSecurity(this.job!.cfg, i, this.sink, this.stop, this.hooks());
      }
    } catch (e) {
      this.error = message(e);
    }
    await this.close();
  }

  private async runTask(task: DayTask): Promise<void> {
    if (!this.sink) {
      this.post({ kind: "failed", task, error: this.openError! });
      return;
    }
    try {
      await runDay(this.job!.cfg, task, this.sink, this.stop, this.hooks());
    } catch (e) {
      this.post({ kind: "failed", task, error: message(e) });
    }
  }

  private async close(): Promise<void> {
    let reports: SinkReport[] = [];
    try {
      if (this.sink) reports = await closeRunSink(this.sink);
    } catch (e) {
      this.error ??= message(e);
    }
    this.sink = null;
    this.post({ kind: "done", reports, error: this.error });
  }
}

if (inWorkerScope()) {
  const scope = globalThis as unknown as {
    onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
    postMessage(m: WorkerMessage): void;
  };
  const runner = new WorkerRunner((m) => scope.postMessage(m));
  // The same entry module also serves other kinds of work (the dashboard's analysis).
  const ours = new Set(["job", "task", "finish"]);
  scope.onmessage = (e) => {
    if (ours.has(e.data?.kind)) runner.handle(e.data);
  };
}
