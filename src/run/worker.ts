/**
 * Worker side of a run: generates what it is given into its own sinks and reports each finished
 * day. The worker thread runs the program's own entry module (`main.ts`), which hands its
 * messages to `runWorkerHandler` when the first one is a job. A short run uses the same
 * `WorkerRunner` in the main thread.
 */
import { RECORD_SIZE } from "../format/record.ts";
import { ChoosingChunkTarget, LocalChunkTarget, RemoteChunkTarget } from "../sinks/chunk_target.ts";
import type { ChunkMessage, ChunkTarget } from "../sinks/chunk_target.ts";
import { closeRunSink, createRunSink } from "../sinks/factory.ts";
import { sumStats } from "../sinks/multiplex_sink.ts";
import type { MultiplexSink } from "../sinks/multiplex_sink.ts";
import type { Sink, SinkReport, SinkStats } from "../sinks/sink.ts";
import { TapSink } from "../sinks/tap_sink.ts";
import type { TapMessage } from "../sinks/tap_sink.ts";
import type { RunConfig } from "./config.ts";
import { LATE_WARNING_MS, runDay, runSecurity } from "./security_run.ts";
import type { DayReport, DayTask, SecurityProgress, SessionStart } from "./security_run.ts";
import { StopFlag } from "./stop.ts";
import { isKafkaReply, RemoteKafka } from "../sinks/kafka_remote.ts";
import type { KafkaReply, KafkaRequest } from "../sinks/kafka_remote.ts";
import { UNNAMED_KEY } from "../kafka/message.ts";

/** Opens a worker's sinks: then either every day of `securityIndices`, or tasks one by one. */
export interface WorkerJob {
  kind: "job";
  cfg: RunConfig;
  /** Every day of these securities, in turn; empty when day tasks follow instead. */
  securityIndices: number[];
  /** Names this worker's files to the thread that writes them. */
  owner: string;
  stop: SharedArrayBuffer;
  /**
   * Hand full chunks to the main thread to compress and write, and Kafka batches to frame (it
   * has a core to spare).
   */
  offloadWrites: boolean;
  /** Hand every record to the main thread too (the live ITCH feed). */
  tap: boolean;
  /**
   * One Int32: how many "begin" messages the main thread has handled. A session's file is
   * created only once the manifest lists it, so no file is ever on disk unlisted. (A day task's
   * session is listed before the task is sent: only a job of securities sends "begin".)
   */
  begun: SharedArrayBuffer;
}

export type WorkerRequest =
  | WorkerJob
  /** `offload`: this day's files and Kafka batches go to the main thread to compress. */
  | { kind: "task"; task: DayTask; offload: boolean }
  /** No more tasks: close the sinks and report. */
  | { kind: "finish" }
  /** The main thread's answers to this worker's Kafka sinks (they share its connection). */
  | KafkaReply;

export type WorkerMessage =
  | ChunkMessage
  | TapMessage
  | KafkaRequest
  | { kind: "begin"; start: SessionStart; sequence: number }
  | { kind: "warning"; message: string }
  | { kind: "day"; report: DayReport }
  | { kind: "failed"; task: DayTask; error: string }
  | { kind: "progress"; progress: SecurityProgress }
  /** `run --stats`: this worker's Kafka acknowledgements so far (cumulative). */
  | { kind: "stats"; stats: SinkStats }
  | { kind: "done"; reports: SinkReport[]; error?: string };

/** How often a worker tells the main thread its acknowledgements (`run --stats`). */
const STATS_POST_MS = 250;

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
  private begun = new Int32Array(new SharedArrayBuffer(4));
  private sequence = 0;
  private sinks = 0;
  /** Every sink opened, for `run --stats` (a closed one's figures stay valid). */
  private readonly opened: (Sink | MultiplexSink)[] = [];
  private statsTimer: ReturnType<typeof setInterval> | null = null;

  /** The files' target of a worker running day tasks without a core to spare. */
  private chooser: ChoosingChunkTarget | null = null;
  /** Made with the job: only it says which thread frames the Kafka batches. */
  private kafka: RemoteKafka | null = null;

  constructor(private readonly post: (m: WorkerMessage) => void) {}

  handle(request: WorkerRequest): void {
    // Not behind the day in hand: it waits for these.
    if (isKafkaReply(request)) return this.kafka!.receive(request);
    this.queue = this.queue.then(() => this.run(request));
  }

  private async run(request: Exclude<WorkerRequest, KafkaReply>): Promise<void> {
    if (request.kind === "job") {
      await this.open(request);
      if (request.securityIndices.length > 0) await this.runSecurities(request.securityIndices);
    } else if (request.kind === "task") {
      await this.runTask(request.task, request.offload);
    } else {
      await this.close();
    }
  }

  private async open(job: WorkerJob): Promise<void> {
    this.job = job;
    this.kafka = new RemoteKafka(this.post, !job.offloadWrites);
    this.stop = new StopFlag(job.stop);
    this.begun = new Int32Array(job.begun);
    try {
      this.sink = await this.openSinks(job.securityIndices.slice(0, 1));
    } catch (e) {
      this.openError = message(e);
    }
    if (job.cfg.stats && job.cfg.kafka) {
      this.statsTimer = setInterval(() => this.postStats(), STATS_POST_MS);
    }
  }

  private postStats(): void {
    const stats = sumStats(this.opened.map((s) => s.stats?.() ?? null));
    if (stats) this.post({ kind: "stats", stats });
  }

  /** Sinks for these securities (files, Kafka when configured, the tap). */
  private async openSinks(indices: number[]): Promise<Sink | MultiplexSink> {
    const job = this.job!;
    const away = () =>
      new RemoteChunkTarget(
        this.post,
        `${job.owner}.${this.sinks++}`,
        job.cfg.output.chunkSize * RECORD_SIZE,
      );
    let target: ChunkTarget | undefined;
    if (job.offloadWrites) target = away();
    else if (indices.length === 0) {
      // Day tasks: a day may be handed to the main thread when the others are done (runTask).
      target = this.chooser = new ChoosingChunkTarget(new LocalChunkTarget(), away());
    }
    const symbols = indices.flatMap((i) => job.cfg.securities[i].symbol ?? []).join(",");
    const sink = await createRunSink(job.cfg.output.dir, job.cfg.kafka, {
      target,
      extra: job.tap ? [new TapSink(this.post)] : [],
      stop: this.stop,
      kafkaConnector: this.kafka!.connector(),
      kafkaByChunk: !job.cfg.pacing.realtime && job.cfg.pacing.rate === null,
      onKafkaDown: (why) =>
        this.post({
          kind: "warning",
          message: `kafka${symbols ? ` (${symbols})` : ""}: ${why}; events go to the files only`,
        }),
    });
    this.opened.push(sink);
    return sink;
  }

  /** Tells the main thread a session starts, and waits until its manifest lists the file. */
  private begin(start: SessionStart): void {
    const sequence = ++this.sequence;
    this.post({ kind: "begin", start, sequence });
    // In the main thread (a short run) the message was handled before `post` returned.
    while (Atomics.load(this.begun, 0) < sequence) Atomics.wait(this.begun, 0, sequence - 1, 1000);
  }

  private hooks() {
    return {
      onBegin: (start: SessionStart) => this.begin(start),
      onDay: (report: DayReport) => this.post({ kind: "day", report }),
      onProgress: (progress: SecurityProgress) => this.post({ kind: "progress", progress }),
      onLate: ({ securityIndex, date }: { securityIndex: number; date: string }) => {
        const symbol = this.job!.cfg.securities[securityIndex].symbol ?? UNNAMED_KEY;
        this.post({
          kind: "warning",
          message: `${symbol} ${date}: more than ${LATE_WARNING_MS / 1000} s behind its ` +
            "schedule, the events go out late (the sinks or the CPU cannot keep this pace; " +
            "the day lines say how late)",
        });
      },
    };
  }

  /**
   * Every day of these securities, together (each with sinks of its own, so that every one makes
   * progress whatever the number of workers); a failure ends the job (reported in "done").
   */
  private async runSecurities(securityIndices: number[]): Promise<void> {
    if (!this.sink) {
      this.error = this.openError;
      return await this.close();
    }
    const reports: SinkReport[] = [];
    await Promise.all(securityIndices.map(async (i, n) => {
      let sink: Sink | MultiplexSink | null = n === 0 ? this.sink : null;
      try {
        sink ??= await this.openSinks([i]);
        await runSecurity(this.job!.cfg, i, sink, this.stop, this.hooks());
      } catch (e) {
        this.error ??= message(e);
      }
      if (n > 0 && sink) {
        try {
          reports.push(...await closeRunSink(sink));
        } catch (e) {
          this.error ??= message(e);
        }
      }
    }));
    await this.close(reports);
  }

  private async runTask(task: DayTask, offload: boolean): Promise<void> {
    if (!this.sink) {
      this.post({ kind: "failed", task, error: this.openError! });
      return;
    }
    if (this.chooser) this.chooser.away = offload;
    this.kafka!.frameHere = !offload;
    try {
      // The main thread listed the task's session before handing it over.
      await runDay(this.job!.cfg, task, this.sink, this.stop, {
        ...this.hooks(),
        onBegin: undefined,
      });
    } catch (e) {
      this.post({ kind: "failed", task, error: message(e) });
    }
  }

  private async close(more: SinkReport[] = []): Promise<void> {
    let reports: SinkReport[] = more;
    try {
      if (this.sink) reports = [...await closeRunSink(this.sink), ...more];
    } catch (e) {
      this.error ??= message(e);
    }
    this.sink = null;
    if (this.statsTimer !== null) {
      clearInterval(this.statsTimer);
      this.postStats();
    }
    this.post({ kind: "done", reports, error: this.error });
  }
}

/** The handler of a worker thread that runs days: it takes WorkerRequests. */
export function runWorkerHandler(): (request: WorkerRequest) => void {
  const scope = globalThis as unknown as { postMessage(m: WorkerMessage): void };
  const runner = new WorkerRunner((m) => scope.postMessage(m));
  return (request) => runner.handle(request);
}
