import type { EventRecord } from "../core/events.ts";
import { LatencyHistogram } from "../core/latency_histogram.ts";
import { Packer } from "./packer.ts";
import type { PackerLimits } from "./packer.ts";
import { EncodedFrame } from "./records.ts";

export interface ProducerOptions extends PackerLimits {
  /** Events awaiting acknowledgement before `append` holds the caller back... */
  maxInFlight: number;
  /** ...or batches handed to the sender and not yet acknowledged. */
  batchesAhead: number;
  /** A partly filled message leaves at most this long after its first event. */
  lingerMs: number;
}

/**
 * Where sealed batches go: encoded and sent in this thread (encoding_sender.ts), handed to the
 * thread that holds the connection (sinks/kafka_remote.ts), or a test's fake.
 */
export interface BatchSender {
  /**
   * Takes `messages` messages of `partition`, encoded as a records section (`records`: a view,
   * valid only during the call); resolves once they are acknowledged, rejects when they cannot be.
   */
  send(partition: number, records: Uint8Array, messages: number): Promise<void>;
}

/**
 * Encoded records per record batch (about 160 KiB once compressed at one event per message). A
 * batch must in any case stay under the broker's default limit of 1 MiB (`message.max.bytes`).
 * Against 240 KiB, 480 gave 11 % more events a second at one event per message and 7 % at 64
 * (medians of interleaved runs), at the same peak memory.
 */
export const BATCH_BYTES = 480 * 1024;
/** Messages per batch: a bound that the byte limit reaches first. */
export const BATCH_MESSAGES = 100_000;
/**
 * Batches awaiting acknowledgement: five in flight to the partition's leader (the idempotent
 * producer's limit) and one being sent or packed.
 */
export const BATCHES_AHEAD = 6;

function newCounts(): ProducerCounts {
  return {
    events: 0,
    acknowledgedEvents: 0,
    failedEvents: 0,
    messages: 0,
    acknowledgedMessages: 0,
  };
}

export interface ProducerCounts {
  /** Events appended. */
  events: number;
  acknowledgedEvents: number;
  failedEvents: number;
  /** Messages sent (each acknowledged or failed). */
  messages: number;
  acknowledgedMessages: number;
}

/**
 * Sends events to Kafka packed into messages of up to `recordsPerMessage` records, and messages
 * into batches of one partition, which we encode (records.ts) and hand to the sender: it frames
 * them as record batches and keeps each partition's order through retries. `append` holds the caller back
 * while too much awaits acknowledgement. A failed batch's events count as failed, never dropped
 * silently.
 */
export class EventProducer {
  private readonly packer: Packer;
  /** Per key (bytes joined by commas): its partition and its counts. */
  private readonly keys = new Map<string, { partition: number; counts: ProducerCounts }>();
  /** The key of the events being packed: a batch holds one key's messages. */
  private current: { partition: number; counts: ProducerCounts } | null = null;
  private batchKey: { partition: number; counts: ProducerCounts } | null = null;
  /** Batches handed to the sender and not yet settled. */
  private readonly pending = new Set<Promise<void>>();
  private waiters: (() => void)[] = [];
  private linger: ReturnType<typeof setTimeout> | null = null;
  /** Counts over every key. */
  readonly counts: ProducerCounts = newCounts();
  /** Per acknowledged event: from its batch's sealing to the batch's acknowledgement. */
  readonly latency = new LatencyHistogram();
  /** The first send error. */
  firstError?: string;

  constructor(
    private readonly sender: BatchSender,
    private readonly partitionFor: (key: Uint8Array) => number,
    private readonly options: ProducerOptions,
  ) {
    this.packer = new Packer(options);
  }
  /** Later events carry this key and header (a new security or trading date). */
  setFrame(key: Uint8Array, headerKey: string, headerValue: string): void {
    const id = key.join(",");
    let entry = this.keys.get(id);
    if (!entry) {
      entry = { partition: this.partitionFor(key), counts: newCounts() };
      this.keys.set(id, entry);
    }
    this.packer.closeMessage();
    if (entry !== this.batchKey) this.seal();
    this.current = entry;
    this.packer.setFrame(new EncodedFrame({ key, headerKey, headerValue }), entry.partition);
  }

  /** The counts of one key's events (zero for a key never given). */
  countsOf(key: Uint8Array): ProducerCounts {
    return this.keys.get(key.join(","))?.counts ?? newCounts();
  }

  append(rec: EventRecord): void | Promise<void> {
    this.counts.events++;
    this.current!.counts.events++;
    this.batchKey = this.current;
    if (this.packer.add(rec)) this.seal();
    else if (this.linger === null) this.armLinger();
    return this.holdBack();
  }

  /**
   * Appends `count` events of `records` (26-byte records, a file chunk's layout): the same
   * messages as appending them one by one.
   */
  appendRecords(records: Uint8Array, count: number): void | Promise<void> {
    this.counts.events += count;
    this.current!.counts.events += count;
    this.batchKey = this.current;
    for (let at = 0; at < count;) {
      at += this.packer.addRecords(records, at, count);
      if (this.packer.isFull) this.seal();
    }
    if (this.linger === null && this.packer.batchedEvents + this.packer.openEvents > 0) {
      this.armLinger();
    }
    return this.holdBack();
  }

  /** A promise to wait for when too much awaits acknowledgement. */
  private holdBack(): void | Promise<void> {
    if (this.inFlight() >= this.options.maxInFlight) {
      this.packer.closeMessage();
      this.seal();
      return this.held();
    }
    if (this.pending.size >= this.options.batchesAhead) return this.held();
  }

  /**
   * A method of its own: a closure in `append` made V8 allocate its context on every call once
   * the caller had been held back (about 20 bytes an event).
   */
  private held(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Sends everything appended so far and waits until each request has settled. */
  async flush(): Promise<void> {
    this.packer.closeMessage();
    this.seal();
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  /** Stops the linger timer (after the last flush). */
  close(): void {
    if (this.linger !== null) clearTimeout(this.linger);
    this.linger = null;
  }

  private inFlight(): number {
    return this.counts.events - this.counts.acknowledgedEvents - this.counts.failedEvents;
  }

  private armLinger(): void {
    this.linger = setTimeout(() => {
      this.linger = null;
      this.packer.closeMessage();
      this.seal();
    }, this.options.lingerMs);
  }

  /** Hands the packed messages to the sender. */
  private seal(): void {
    const batch = this.packer.take();
    if (!batch) return;
    const counts = this.batchKey!.counts;
    const sealed = performance.now();
    const sent: Promise<void> = this.sender.send(batch.partition, batch.records, batch.messages)
      .then(
        () => {
          this.latency.add(performance.now() - sealed, batch.events);
          for (const c of [this.counts, counts]) {
            c.acknowledgedEvents += batch.events;
            c.acknowledgedMessages += batch.messages;
          }
        },
        (e: Error) => {
          this.counts.failedEvents += batch.events;
          counts.failedEvents += batch.events;
          this.firstError ??= e.message;
        },
      ).finally(() => {
        this.pending.delete(sent);
        this.counts.messages += batch.messages;
        counts.messages += batch.messages;
        if (
          this.inFlight() < this.options.maxInFlight &&
          this.pending.size < this.options.batchesAhead
        ) {
          for (const wake of this.waiters.splice(0)) wake();
        }
      });
    this.pending.add(sent);
  }
}
