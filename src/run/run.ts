import { ManifestKeeper } from "./manifest_keeper.ts";
import type { SinkReport, SinkStats } from "../sinks/sink.ts";
import type { TapMessage } from "../sinks/tap_sink.ts";
import { manifestSettings, ownedSecurities, sessionFile, sessionSeed } from "./config.ts";
import type { RunConfig, Security, SessionSettings } from "./config.ts";
import { LAST_DATE, tradingDates } from "./calendar.ts";
import { openRunDir } from "./run_dir.ts";
import { securityQuota } from "./security_run.ts";
import type { DayReport, DayTask, SecurityProgress, SessionStart } from "./security_run.ts";
import type { StopFlag } from "./stop.ts";
import { WorkerRunner } from "./worker.ts";
import { dropEarlyWorker, newWorker } from "./early_worker.ts";
import { isKafkaRequest, KafkaHost } from "../sinks/kafka_remote.ts";
import type { WorkerMessage, WorkerRequest } from "./worker.ts";
import { ChunkWriterHost } from "../sinks/chunk_target.ts";
import { UNNAMED_KEY } from "../kafka/message.ts";

/** A sink's report, with the symbols of the securities its worker ran ("DEFAULT": the unnamed one). */
export interface LabelledSinkReport extends SinkReport {
  securityIndices: number[];
  symbols: string[];
}

export interface RunResult {
  days: DayReport[];
  /** One report per sink per worker. */
  sinkReports: LabelledSinkReport[];
  /** Worker failures (a sink that could not start, an exception in generation). */
  errors: string[];
  seconds: number;
}

export interface RunHooks {
  onDay?(report: DayReport): void;
  onProgress?(progress: SecurityProgress): void;
  /**
   * Every session start, batch of records and session end, as the workers make them (the live
   * ITCH feed). A throw is reported as the run's error; generation goes on.
   */
  onTap?(m: TapMessage): void;
  /** `run --stats`: worker `worker`'s Kafka acknowledgements so far (cumulative). */
  onStats?(worker: number, stats: SinkStats): void;
  /** Something the user should know at once, while the run goes on (Kafka unreachable). */
  onWarning?(message: string): void;
  /** What the run did that the user did not ask for in so many words (a previous run replaced). */
  onNotice?(message: string): void;
  /** The module that starts a worker; defaults to `worker.ts` beside this file. */
  workerUrl?: string | URL;
  /** Generate in workers even when the run is short: this thread answers requests (`serve`). */
  inWorkers?: boolean;
}

/**
 * Day tasks of a batch run, handed out so that every worker stays busy: a security's days run in
 * order (each opens at the previous close), any worker may run any of them, and the security
 * with the most days left goes first.
 */
export class DayQueue {
  private readonly nextDay: number[];
  private readonly p0: number[];
  private readonly running: boolean[];
  /** The trading date of each day number, as far as asked (the same for every security). */
  private readonly dates: string[] = [];
  private readonly nextDate: () => string | null;

  /** `quotas`: the events each security may produce (--max-events), Infinity without a cap. */
  constructor(
    securities: Security[],
    private readonly session: SessionSettings,
    private readonly quotas: number[] = securities.map(() => Infinity),
  ) {
    this.nextDay = securities.map(() => session.firstDay ?? 0);
    this.p0 = securities.map((s) => s.p0Ticks);
    this.running = securities.map(() => false);
    this.nextDate = tradingDates(session.startDate, session.calendar);
  }

  /** The date of day `day` of the run (counted from --start-date, --first-day's included). */
  private dateOf(day: number): string | null {
    while (this.dates.length <= day) {
      const next = this.nextDate();
      if (next === null) return null;
      this.dates.push(next);
    }
    return this.dates[day];
  }

  /** The next task, or null when every day is done or under way. */
  take(): DayTask | null {
    const days = (this.session.firstDay ?? 0) + this.session.days;
    let pick = -1;
    for (let i = 0; i < this.nextDay.length; i++) {
      if (this.running[i] || this.nextDay[i] >= days || this.quotas[i] <= 0) continue;
      if (pick < 0 || this.nextDay[i] < this.nextDay[pick]) pick = i;
    }
    if (pick < 0) return null;
    this.running[pick] = true;
    const date = this.dateOf(this.nextDay[pick]);
    // `run` refuses a batch run that would pass it, before it starts.
    if (date === null) throw new Error(`no trading date after ${LAST_DATE}`);
    const quota = this.quotas[pick];
    return { securityIndex: pick, day: this.nextDay[pick], date, p0Ticks: this.p0[pick], quota };
  }

  /**
   * The next `n` tasks `take` would give if no day ended meanwhile, in its order (securities not
   * running, earliest day first); their opening prices are not known yet.
   */
  upcoming(n: number): { securityIndex: number; day: number; date: string }[] {
    const days = (this.session.firstDay ?? 0) + this.session.days;
    const ready: number[] = [];
    for (let i = 0; i < this.nextDay.length; i++) {
      if (!this.running[i] && this.nextDay[i] < days && this.quotas[i] > 0) ready.push(i);
    }
    ready.sort((a, b) => this.nextDay[a] - this.nextDay[b] || a - b);
    return ready.slice(0, n).flatMap((i) => {
      const date = this.dateOf(this.nextDay[i]);
      return date === null ? [] : [{ securityIndex: i, day: this.nextDay[i], date }];
    });
  }

  /** Days not yet handed out (a running security's next ones included). */
  remaining(): number {
    const days = (this.session.firstDay ?? 0) + this.session.days;
    let n = 0;
    for (let i = 0; i < this.nextDay.length; i++) {
      if (this.quotas[i] <= 0 || this.nextDay[i] >= days) continue;
      n += days - this.nextDay[i] - (this.running[i] ? 1 : 0);
    }
    return n;
  }

  /** A day finished: the next one opens at its close (none follows a day cut short). */
  done(report: DayReport): void {
    const i = report.securityIndex;
    this.running[i] = false;
    this.nextDay[i] = report.stopped || report.capped ? Infinity : this.nextDay[i] + 1;
    this.p0[i] = report.closeTicks;
    this.quotas[i] -= report.events;
  }

  /** A day failed: the security's later days are not run. */
  failed(securityIndex: number): void {
    this.running[securityIndex] = false;
    this.nextDay[securityIndex] = Infinity;
  }
}

/** The securities `indices` dealt round-robin to at most `workers` workers. */
export function assignSecurities(indices: number[], workers: number): number[][] {
  const w = Math.max(1, Math.min(workers, indices.length));
  const out: number[][] = Array.from({ length: w }, () => []);
  indices.forEach((index, n) => out[n % w].push(index));
  return out;
}

/** Session-seconds (over every security and day) up to which a batch run needs no worker. */
const SHORT_RUN_SECONDS = 3600;

/**
 * Runs every security of `cfg` and keeps `OUTPUT/manifest.json` current after every finished
 * day, so a stopped run still describes every file it wrote. A continuous or paced run has a
 * worker per security, all at once; a batch run hands day tasks to `cfg.workers` workers (no
 * more than there are securities), or runs in this thread when it is short: starting a worker
 * takes longer than generating an hour of session.
 */
export async function executeRun(cfg: RunConfig, stop: StopFlag, hooks: RunHooks = {}) {
  const started = performance.now();
  const dir = openRunDir(cfg.output.dir, cfg.output.force, "--output", cfg.output.companions);
  if (dir.replaced) hooks.onNotice?.(dir.replaced);
  try {
    return await runIn(cfg, stop, hooks, started);
  } finally {
    dir.release();
  }
}

/**
 * The run, in its directory. The manifest lists every session's file before the file is created,
 * marked `"in_progress": true` until its day ends, so however the run stops (a second signal,
 * kill -9, a full disk), every `.qrsdp` file on disk is in it.
 */
async function runIn(cfg: RunConfig, stop: StopFlag, hooks: RunHooks, started: number) {
  const result: RunResult = { days: [], sinkReports: [], errors: [], seconds: 0 };
  const owned = ownedSecurities(cfg);
  const { days, seconds } = cfg.session;
  // Continuous and paced runs need every security running at once, --rate shares its rate among
  // them, and a live ITCH feed advances its days only when every security has reached them.
  const allAtOnce = days === 0 || cfg.pacing.realtime || cfg.pacing.rate !== null ||
    hooks.onTap !== undefined;
  // A security of another shard has nothing to run here.
  const mine = new Set(owned);
  const quotas = cfg.securities.map((_, i) => mine.has(i) ? securityQuota(cfg, i) : 0);
  const queue = allAtOnce ? null : new DayQueue(cfg.securities, cfg.session, quotas);
  const here = !allAtOnce && !hooks.inWorkers && owned.length * days * seconds <= SHORT_RUN_SECONDS;
  // All at once, a worker runs several securities together: a thread per security took 7.9 GB
  // for a thousand securities.
  const groups = allAtOnce ? assignSecurities(owned, cfg.workers) : [];
  const workers = allAtOnce ? groups.length : here ? 1 : Math.min(cfg.workers, owned.length);
  // With a core to spare per worker, this thread compresses and writes the files.
  const offloadWrites = !here && workers * 2 <= navigator.hardwareConcurrency;
  const host = new ChunkWriterHost();
  // Every worker's Kafka batches go out through this thread's one connection, opened now.
  const kafka = cfg.kafka ? new KafkaHost(cfg.kafka, stop) : null;
  kafka?.start();
  // A failure ends the run as a stop does, reported once; a day that fails ends its security.
  const fail = (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    if (!result.errors.includes(message)) result.errors.push(message);
    stop.request();
  };
  const url = hooks.workerUrl ?? new URL("./worker.ts", import.meta.url);
  const startOf = (t: { securityIndex: number; day: number; date: string }): SessionStart => ({
    securityIndex: t.securityIndex,
    date: t.date,
    seed: sessionSeed(cfg, t.securityIndex, t.day),
    file: sessionFile(cfg.securities[t.securityIndex], t.date),
  });
  // Written at the start, when a session starts (with the ones that follow, when the queue
  // knows them) and soon after one ends.
  const manifest = new ManifestKeeper(
    cfg.output.dir,
    manifestSettings(cfg),
    owned.map((index) => ({ index, ...cfg.securities[index] })),
    fail,
    queue ? (n) => queue.upcoming(n).map(startOf) : undefined,
  );
  const runWorker = (w: number) =>
    new Promise<void>((resolve) => {
      let post: (r: WorkerRequest) => void;
      let end = () => {};
      // The securities this worker ran, which label its sinks' reports.
      const ran = new Set<number>(allAtOnce ? groups[w] : []);
      const begun = new Int32Array(new SharedArrayBuffer(4));
      const next = () => {
        let task = stop.requested ? null : queue!.take();
        // Listed here, before the worker has it: a worker waiting for this thread to list its
        // session waited while this thread loaded kafkajs, 40-65 ms of a day of one security.
        if (task) {
          try {
            manifest.begin(startOf(task));
          } catch (e) {
            fail(e);
            task = null;
          }
        }
        // The run's last day: the other workers have nothing left, so this thread has a core
        // for its compression.
        const offload = offloadWrites || (!here && queue!.remaining() === 0);
        post(task ? { kind: "task", task, offload } : { kind: "finish" });
      };
      const onMessage = (m: WorkerMessage) => {
        if (m.kind === "begin") {
          try {
            manifest.begin(m.start);
          } catch (e) {
            fail(e);
          } finally {
            Atomics.store(begun, 0, m.sequence);
            Atomics.notify(begun, 0);
          }
        } else if (m.kind === "warning") {
          hooks.onWarning?.(m.message);
        } else if (m.kind === "day") {
          ran.add(m.report.securityIndex);
          result.days.push(m.report);
          // A file this thread failed to write stays marked: it is not complete.
          const complete = !host.failed.has(`${cfg.output.dir}/${m.report.file}`);
          // Cut short by a stop (SIGINT, say): complete as a file, not as a session. A run that
          // failed says so itself, and its manifest is not rewritten for the mark.
          const stopped = m.report.stopped && result.errors.length === 0;
          try {
            manifest.end(m.report.securityIndex, m.report.file, complete, stopped);
            hooks.onDay?.(m.report);
          } catch (e) {
            fail(e);
          }
          if (queue) {
            queue.done(m.report);
            next();
          }
        } else if (m.kind === "failed") {
          if (!result.errors.includes(m.error)) result.errors.push(m.error);
          queue!.failed(m.task.securityIndex);
          next();
        } else if (m.kind === "progress") {
          hooks.onProgress?.(m.progress);
        } else if (m.kind === "stats") {
          hooks.onStats?.(w, m.stats);
        } else if (isKafkaRequest(m)) {
          kafka!.handle(m, post);
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
          const securityIndices = [...ran].sort((a, b) => a - b);
          const symbols = securityIndices.map((i) => cfg.securities[i].symbol ?? UNNAMED_KEY);
          result.sinkReports.push(...m.reports.map((r) => ({ ...r, securityIndices, symbols })));
          if (m.error) result.errors.push(m.error);
          end();
          resolve();
        }
      };
      if (here) {
        const runner = new WorkerRunner(onMessage);
        post = (r) => runner.handle(r);
      } else {
        const worker = newWorker(url);
        worker.onmessage = (e: MessageEvent<WorkerMessage>) => onMessage(e.data);
        worker.onerror = (e) => {
          e.preventDefault();
          result.errors.push(e.message);
          stop.request();
          worker.terminate();
          resolve();
        };
        post = (r) => worker.postMessage(r);
        end = () => worker.terminate();
      }
      post({
        kind: "job",
        cfg,
        securityIndices: allAtOnce ? groups[w] : [],
        owner: String(w),
        begun: begun.buffer as SharedArrayBuffer,
        stop: stop.buffer,
        offloadWrites,
        tap: hooks.onTap !== undefined,
      });
      if (queue) next();
    });
  const ran = Promise.all(Array.from({ length: workers }, (_, w) => runWorker(w)));
  // Not needed (a short run), or taken by the first worker already.
  dropEarlyWorker();
  await ran;
  await kafka?.close();
  try {
    manifest.finish();
  } catch (e) {
    fail(e);
  }
  const first = (r: LabelledSinkReport) => r.securityIndices[0] ?? Infinity;
  result.sinkReports.sort((a, b) => first(a) - first(b));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
