import { CompressionTypes } from "kafkajs";
import type { Producer } from "kafkajs";
import type { EventRecord } from "../core/events.ts";
import { prepareBatch } from "./lz4_codec.ts";
import type { PreparedBatch } from "./lz4_codec.ts";
import { Packer } from "./packer.ts";
import type { PackerLimits } from "./packer.ts";
import { EncodedFrame } from "./records.ts";

export interface ProducerOptions extends PackerLimits {
  topic: string;
  /** Events awaiting acknowledgement before `append` holds the caller back... */
  maxInFlight: number;
  /** ...or batches packed and compressed while a request is in flight. */
  batchesAhead: number;
  /** A partly filled message leaves at most this long after its first event. */
  lingerMs: number;
}

/**
 * Encoded records per produce request (about 120 KiB once compressed). kafkajs copies a
 * request's compressed batch into about ten buffers, each rounded up to a power of two, which
 * stay in the thread's malloc arena until V8 collects them: a day of one security at 64 records
 * per message peaked at 116-142 MiB with 900 KiB requests, 94-95 MiB with these, as fast. A batch
 * must in any case stay under the broker's default limit of 1 MiB (`message.max.bytes`).
 */
export const BATCH_BYTES = 240 * 1024;
/**
 * Messages per produce request: kafkajs groups a request's messages by partition in time that
 * grows with the square of their number (CPU for a day of one event per message: 12.2 s at 500,
 * 13.9 s at 1000, 16.3 s at 2000).
 */
export const BATCH_MESSAGES = 500;
/**
 * Batches packed and compressed ahead of the request in flight: one has the next request ready
 * when the broker acknowledges; more only hold memory, each batch long enough to reach V8's old
 * generation.
 */
export const BATCHES_AHEAD = 1;

interface Queued {
  prepared: PreparedBatch;
  counts: ProducerCounts;
  messages: number;
  events: number;
}

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
 * Sends events to one topic through an idempotent kafkajs producer, packed into messages of up
 * to `recordsPerMessage` records that we encode ourselves (lz4_codec.ts). One request is in
 * flight at a time, which keeps each partition's order through retries; the next batch is
 * packed and compressed meanwhile, and `append` holds the caller back while it waits. A failed
 * request's events count as failed, never dropped silently.
 */
export class EventProducer {
  private readonly packer: Packer;
  /** Per key (bytes joined by commas): its partition and its counts. */
  private readonly keys = new Map<string, { partition: number; counts: ProducerCounts }>();
  /** The key of the events being packed: a batch holds one key's messages. */
  private current: { partition: number; counts: ProducerCounts } | null = null;
  private batchKey: { partition: number; counts: ProducerCounts } | null = null;
  private readonly queue: Queued[] = [];
  private sending: Promise<void> | null = null;
  private waiters: (() => void)[] = [];
  private linger: ReturnType<typeof setTimeout> | null = null;
  /** Counts over every key. */
  readonly counts: ProducerCounts = newCounts();
  /** The first send error. */
  firstError?: string;

  constructor(
    private readonly producer: Producer,
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
    if (this.inFlight() >= this.options.maxInFlight) {
      this.packer.closeMessage();
      this.seal();
      return new Promise((resolve) => this.waiters.push(resolve));
    }
    if (this.queue.length >= this.options.batchesAhead) {
      return new Promise((resolve) => this.waiters.push(resolve));
    }
  }

  /** Sends everything appended so far and waits until each request has settled. */
  async flush(): Promise<void> {
    this.packer.closeMessage();
    this.seal();
    while (this.sending) await this.sending;
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

  /** Hands the packed messages to the send queue. */
  private seal(): void {
    const batch = this.packer.take();
    if (batch) {
      this.queue.push({
        prepared: prepareBatch(batch.records, batch.messages, batch.partition, Date.now()),
        counts: this.batchKey!.counts,
        messages: batch.messages,
        events: batch.events,
      });
    }
    this.pump();
  }

  private pump(): void {
    if (this.sending) return;
    const next = this.queue.shift();
    if (!next) return;
    this.sending = this.producer.send({
      topic: this.options.topic,
      acks: -1,
      compression: CompressionTypes.LZ4,
      messages: next.prepared.messages,
    }).then(
      () => {
        for (const c of [this.counts, next.counts]) {
          c.acknowledgedEvents += next.events;
          c.acknowledgedMessages += next.messages;
        }
      },
      (e: Error) => {
        this.counts.failedEvents += next.events;
        next.counts.failedEvents += next.events;
        this.firstError ??= e.message;
      },
    ).finally(() => {
      next.prepared.release();
      this.counts.messages += next.messages;
      next.counts.messages += next.messages;
      this.sending = null;
      this.pump();
      if (
        this.inFlight() < this.options.maxInFlight && this.queue.length < this.options.batchesAhead
      ) {
        for (const wake of this.waiters.splice(0)) wake();
      }
    });
  }
}
