/**
 * The idempotent producer's send loop, ours: record batches go to each partition's leader with
 * the producer id, epoch and per-partition sequence numbers, up to `maxInFlightPerBroker`
 * requests in flight per broker, and come back acknowledged in order, exactly once, or counted as
 * failed. What it does with each answer (docs/kafka.md, "Delivery"):
 *
 * Until a partition's leader has acknowledged a batch of the current producer id, the partition
 * has one request in flight (see `known`).
 *
 * - none, DUPLICATE_SEQUENCE_NUMBER: acknowledged, and every batch of the partition before it
 *   (the broker accepts a sequence only after the ones before it).
 * - NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, FENCED/UNKNOWN_
 *   LEADER_EPOCH, KAFKA_STORAGE_ERROR, NETWORK_EXCEPTION, REQUEST_TIMED_OUT, a broken
 *   connection: the partition's leader is asked again (metadata refresh), and once none of its
 *   requests is in flight, every unacknowledged batch of the partition is sent again, in order,
 *   to the leader the metadata names, after a backoff.
 * - NOT_ENOUGH_REPLICAS(_AFTER_APPEND), CORRUPT_MESSAGE: the same, without the metadata.
 * - OUT_OF_ORDER_SEQUENCE_NUMBER on a batch behind a failed one: a consequence of that failure,
 *   resent with it. On the partition's first unacknowledged batch, with nothing failed before it,
 *   and UNKNOWN_PRODUCER_ID: the broker lost our sequence, so the producer's epoch is bumped
 *   (a new producer id from InitProducerId, once nothing is in flight), every partition's
 *   sequence starts again from 0 and the unacknowledged batches are resent with the new ones —
 *   what the Java client does for an idempotent producer.
 * - INVALID_PRODUCER_EPOCH, PRODUCER_FENCED and any other error: fatal, as in the Java client;
 *   every unacknowledged batch fails, and every later one at once.
 * - A batch still unacknowledged `timeoutMs` after it was handed over, when a retry falls due:
 *   it fails, and so does everything after it (the producer gives up rather than wait
 *   `timeoutMs` again for each batch of a broker that is gone).
 */
import type { ProduceAnswer } from "./produce_request.ts";
import { stampBatch } from "./record_batch.ts";
import type { RecordBatch } from "./record_batch.ts";

/** What the sender needs of a Kafka client. */
export interface ProduceTransport {
  /** Connects to the cluster and learns the topic's metadata. */
  connect(): Promise<void>;
  /** The leader's node id of each partition that has one; fresh metadata when `refresh`. */
  leaders(refresh: boolean): Promise<Map<number, number>>;
  /** Sends one batch of `partition` to `node`; rejects when no answer can be had. */
  produce(node: number, partition: number, batch: Uint8Array): Promise<ProduceAnswer>;
  /** A new producer id and epoch (InitProducerId without a transactional id). */
  initProducerId(): Promise<{ producerId: bigint; epoch: number }>;
}

export interface SenderOptions {
  maxInFlightPerBroker: number;
  timeoutMs: number;
  /** The first wait before a resend, doubling up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
}

/** The Java client's limit for an idempotent producer that keeps order. */
export const MAX_IN_FLIGHT_PER_BROKER = 5;
export const DEFAULT_SENDER_OPTIONS = {
  maxInFlightPerBroker: MAX_IN_FLIGHT_PER_BROKER,
  backoffMs: 100,
  maxBackoffMs: 1000,
} as const;

export const ERROR = {
  NONE: 0,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  NETWORK_EXCEPTION: 13,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  DUPLICATE_SEQUENCE_NUMBER: 46,
  INVALID_PRODUCER_EPOCH: 47,
  KAFKA_STORAGE_ERROR: 56,
  UNKNOWN_PRODUCER_ID: 59,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  PRODUCER_FENCED: 90,
} as const;

const NAMES = new Map<number, string>(Object.entries(ERROR).map(([k, v]) => [v, k]));
const STALE_LEADER = new Set<number>([
  ERROR.UNKNOWN_TOPIC_OR_PARTITION,
  ERROR.LEADER_NOT_AVAILABLE,
  ERROR.NOT_LEADER_OR_FOLLOWER,
  ERROR.REQUEST_TIMED_OUT,
  ERROR.NETWORK_EXCEPTION,
  ERROR.KAFKA_STORAGE_ERROR,
  ERROR.FENCED_LEADER_EPOCH,
  ERROR.UNKNOWN_LEADER_EPOCH,
]);
const RETRY_SAME_LEADER = new Set<number>([
  ERROR.CORRUPT_MESSAGE,
  ERROR.NOT_ENOUGH_REPLICAS,
  ERROR.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
]);
const LOST_SEQUENCE = new Set<number>([
  ERROR.OUT_OF_ORDER_SEQUENCE_NUMBER,
  ERROR.UNKNOWN_PRODUCER_ID,
]);
/** No answer: the connection failed or the request timed out in the client. */
const NO_ANSWER = -1;

const errorName = (code: number) => NAMES.get(code) ?? `error code ${code}`;
const MAX_SEQUENCE = 0x7fffffff;
/** Sequences wrap to 0 after 2^31 - 1, as the broker expects. */
const advance = (sequence: number, records: number) =>
  sequence + records > MAX_SEQUENCE ? sequence + records - MAX_SEQUENCE - 1 : sequence + records;

interface Pending {
  batch: RecordBatch;
  sequence: number;
  deadline: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

class PartitionQueue {
  /** Unacknowledged batches in sequence order; the first `sent` are sent in this round. */
  readonly unacked: Pending[] = [];
  sent = 0;
  inFlight = 0;
  nextSequence = 0;
  /** A send failed: the unacknowledged batches go again once none is in flight. */
  retry = false;
  /**
   * The leader has acknowledged a batch of this producer id. Until then one batch at a time:
   * a broker takes any first sequence from a producer it does not know, so a batch sent behind
   * one that fails would be written ahead of it.
   */
  known = false;
  lastError = "";
  backoff: number;
  timer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly partition: number, backoff: number) {
    this.backoff = backoff;
  }
}

export class IdempotentSender {
  private producer: { producerId: bigint; epoch: number } | null = null;
  private readonly partitions = new Map<number, PartitionQueue>();
  private readonly inFlightByNode = new Map<number, number>();
  private leaders = new Map<number, number>();
  private leadersStale = false;
  private refreshing: Promise<void> | null = null;
  private bumpWanted = false;
  private bumping = false;
  private broken: Error | null = null;
  /** Epoch bumps so far (a new producer id each). */
  bumps = 0;

  constructor(
    private readonly transport: ProduceTransport,
    private readonly options: SenderOptions,
  ) {}

  /**
   * Connects, gets the producer id and the partitions' leaders, trying again for up to
   * `timeoutMs` (a broker may be restarting; one just started answers
   * COORDINATOR_LOAD_IN_PROGRESS for a while).
   */
  async start(): Promise<void> {
    const end = Date.now() + this.options.timeoutMs;
    for (let backoff = this.options.backoffMs;;) {
      try {
        await this.transport.connect();
        this.producer = await this.transport.initProducerId();
        this.leaders = await this.transport.leaders(false);
        return;
      } catch (e) {
        if (Date.now() + backoff > end) throw e;
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs);
      }
    }
  }

  /** Sends `batch` to `partition`; resolves once acknowledged, rejects when it cannot be. */
  send(partition: number, batch: RecordBatch): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    let p = this.partitions.get(partition);
    if (!p) {
      this.partitions.set(partition, p = new PartitionQueue(partition, this.options.backoffMs));
    }
    const queue = p;
    return new Promise((resolve, reject) => {
      queue.unacked.push({
        batch,
        sequence: queue.nextSequence,
        deadline: Date.now() + this.options.timeoutMs,
        resolve,
        reject,
      });
      queue.nextSequence = advance(queue.nextSequence, batch.records);
      this.pump(queue);
    });
  }

  /** Stops the timers; whatever is unacknowledged fails. */
  close(): void {
    this.fail(new Error("producer closed"));
  }

  private paused(): boolean {
    return this.broken !== null || this.bumping || this.bumpWanted || this.producer === null;
  }

  private pump(p: PartitionQueue): void {
    if (this.paused() || p.retry) return;
    while (p.sent < p.unacked.length) {
      const node = this.leaders.get(p.partition);
      if (node === undefined) {
        this.failed(p, `no leader for partition ${p.partition}`, true);
        return;
      }
      const inFlight = this.inFlightByNode.get(node) ?? 0;
      if (inFlight >= this.options.maxInFlightPerBroker || (!p.known && p.inFlight > 0)) return;
      const b = p.unacked[p.sent++];
      p.inFlight++;
      this.inFlightByNode.set(node, inFlight + 1);
      const { producerId, epoch } = this.producer!;
      stampBatch(b.batch.bytes, producerId, epoch, b.sequence);
      this.transport.produce(node, p.partition, b.batch.bytes).then(
        (answer) => this.answered(p, b, node, answer.errorCode, errorName(answer.errorCode)),
        (e: Error) => this.answered(p, b, node, NO_ANSWER, e.message),
      );
    }
  }

  private answered(p: PartitionQueue, b: Pending, node: number, code: number, why: string): void {
    p.inFlight--;
    this.inFlightByNode.set(node, this.inFlightByNode.get(node)! - 1);
    if (this.broken) return;
    if (code === ERROR.NONE || code === ERROR.DUPLICATE_SEQUENCE_NUMBER) {
      const upTo = p.unacked.indexOf(b) + 1;
      for (const done of p.unacked.splice(0, upTo)) done.resolve();
      p.sent = Math.max(p.sent - upTo, 0);
      p.backoff = this.options.backoffMs;
      p.known = true;
    } else if (code === NO_ANSWER || STALE_LEADER.has(code)) {
      this.failed(p, why, true);
    } else if (RETRY_SAME_LEADER.has(code)) {
      this.failed(p, why, false);
    } else if (LOST_SEQUENCE.has(code)) {
      if (p.unacked[0] === b && !p.retry) this.bumpWanted = true;
      this.failed(p, why, false);
    } else {
      this.fail(new Error(`partition ${p.partition}: ${why}`));
      return;
    }
    this.settle(p);
    for (const q of this.partitions.values()) this.pump(q);
  }

  /** Marks `p` for a resend of its unacknowledged batches. */
  private failed(p: PartitionQueue, why: string, staleLeader: boolean): void {
    p.retry = true;
    p.lastError = why;
    if (staleLeader) this.leadersStale = true;
    this.settle(p);
  }

  /** Once nothing of `p` is in flight, schedules its resend (or the epoch bump). */
  private settle(p: PartitionQueue): void {
    if (this.bumpWanted) {
      if ([...this.partitions.values()].every((q) => q.inFlight === 0)) void this.bump();
      return;
    }
    if (!p.retry || p.inFlight > 0 || p.timer) return;
    p.timer = setTimeout(() => void this.resume(p), p.backoff);
    p.backoff = Math.min(p.backoff * 2, this.options.maxBackoffMs);
  }

  private expired(p: PartitionQueue): boolean {
    const first = p.unacked[0];
    if (!first || Date.now() < first.deadline) return false;
    this.fail(
      new Error(
        `no acknowledgement within ${this.options.timeoutMs / 1000} s` +
          (p.lastError ? ` (${p.lastError})` : ""),
      ),
    );
    return true;
  }

  private async resume(p: PartitionQueue): Promise<void> {
    p.timer = null;
    if (this.broken || this.expired(p)) return;
    if (this.bumpWanted || this.bumping) return;
    if (this.leadersStale) {
      try {
        await this.refreshLeaders();
      } catch (e) {
        p.lastError = `metadata: ${(e as Error).message}`;
        this.settle(p);
        return;
      }
    }
    if (this.broken) return;
    p.retry = false;
    p.sent = 0;
    this.pump(p);
  }

  private refreshLeaders(): Promise<void> {
    this.refreshing ??= this.transport.leaders(true).then((leaders) => {
      this.leaders = leaders;
      this.leadersStale = false;
    }).finally(() => this.refreshing = null);
    return this.refreshing;
  }

  /** A new producer id; every partition's unacknowledged batches get sequences from 0. */
  private async bump(): Promise<void> {
    if (this.bumping) return;
    this.bumping = true;
    for (let backoff = this.options.backoffMs;;) {
      if (this.broken) return;
      try {
        this.producer = await this.transport.initProducerId();
        if (this.leadersStale) await this.refreshLeaders();
        break;
      } catch (e) {
        for (const p of this.partitions.values()) {
          p.lastError = `epoch bump: ${(e as Error).message}`;
          if (this.expired(p)) return;
        }
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs);
      }
    }
    this.bumps++;
    for (const p of this.partitions.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.timer = null;
      let sequence = 0;
      for (const b of p.unacked) {
        b.sequence = sequence;
        sequence = advance(sequence, b.batch.records);
      }
      p.nextSequence = sequence;
      p.sent = 0;
      p.retry = false;
      p.known = false;
    }
    this.bumpWanted = false;
    this.bumping = false;
    for (const p of this.partitions.values()) this.pump(p);
  }

  /** Fails every unacknowledged batch, and every later one. */
  private fail(e: Error): void {
    this.broken ??= e;
    for (const p of this.partitions.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.timer = null;
      for (const b of p.unacked.splice(0)) b.reject(this.broken);
      p.sent = 0;
    }
  }
}
