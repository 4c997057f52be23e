import { Buffer } from "node:buffer";
import { CompressionTypes, Partitioners } from "kafkajs";
import type { Kafka, Message, Producer } from "kafkajs";
import { encodeRecordBytes } from "../format/record.ts";
import type { EventRecord } from "../core/events.ts";
import { kafkaClient } from "../kafka/client.ts";
import { DATE_HEADER, UNNAMED_KEY } from "../kafka/message.ts";
import type { KafkaSettings } from "../kafka/settings.ts";
import { ensureTopic } from "../kafka/topic.ts";
import { withinBudget } from "../kafka/retry.ts";
import type { SessionInfo, Sink, SinkReport } from "./sink.ts";

/**
 * Messages per produce request. kafkajs groups a request's messages by partition in quadratic
 * time, so throughput peaks near this size (measured: 115k messages/s at 1000-2000, 100k at 4000,
 * 50k at 10000).
 */
const MAX_BATCH = 1500;

/**
 * One Kafka message per event: key = symbol, value = the 26-byte record, header `date`. An
 * idempotent producer (acks from all in-sync replicas) sends one LZ4-compressed batch at a time,
 * which keeps each symbol's order; `append` holds the generator back while `maxInFlight` events
 * await acknowledgement. A broker that stays away longer than the retry budget fails the batch:
 * those events are counted as not acknowledged, never dropped silently.
 */
export class KafkaSink implements Sink {
  readonly name = "kafka";
  private readonly kafka: Kafka;
  private producer: Producer | null = null;
  private key = UNNAMED_KEY;
  private date = "";
  private batch: Message[] = [];
  private sending: Promise<void> | null = null;
  private waiters: (() => void)[] = [];
  private appended = 0;
  private acknowledged = 0;
  private failed = 0;
  private firstError?: string;
  private connectError?: string;

  constructor(private readonly settings: KafkaSettings) {
    this.kafka = kafkaClient(settings, "qrsdp-producer", settings.timeoutMs);
  }

  /**
   * Connects and creates the topic if needed, retrying for the settings' timeout, or until `stop`
   * is requested. On failure the sink stays usable but failing, and the reason is returned.
   */
  async connect(stop?: { readonly requested: boolean }): Promise<string | null> {
    const brokers = this.settings.brokers.join(",");
    const attempt = withinBudget(
      (async () => {
        await ensureTopic(this.kafka, this.settings.topic);
        const producer = this.kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
          createPartitioner: Partitioners.DefaultPartitioner,
        });
        await producer.connect();
        return producer;
      })(),
      this.settings.timeoutMs,
    );
    let stopped = false, settled = false;
    const outcome = await Promise.race([
      attempt.then((p) => p, (e: Error) => e).finally(() => settled = true),
      untilRequested(stop, () => settled).then(() => {
        stopped = true;
        return null;
      }),
    ]);
    if (outcome && !(outcome instanceof Error)) {
      this.producer = outcome;
      return null;
    }
    // A connection that comes after the stop is let go.
    if (stopped) attempt.then((p) => p.disconnect(), () => {});
    this.connectError = stopped
      ? `stopped while still trying to reach ${brokers}`
      : `cannot reach ${brokers}: ${(outcome as Error).message}`;
    this.noteError(this.connectError);
    return this.connectError;
  }

  beginSession(session: SessionInfo): void {
    this.key = session.symbol ?? UNNAMED_KEY;
    this.date = session.date;
  }

  append(rec: EventRecord): void | Promise<void> {
    this.appended++;
    if (!this.producer) {
      this.failed++;
      return;
    }
    this.batch.push({
      key: this.key,
      value: Buffer.from(encodeRecordBytes(rec).buffer),
      headers: { [DATE_HEADER]: this.date },
    });
    if (this.batch.length >= MAX_BATCH) this.pump();
    if (this.inFlight() >= this.settings.maxInFlight) {
      this.pump();
      return new Promise((resolve) => this.waiters.push(resolve));
    }
  }

  endSession(): Promise<void> {
    return this.flush();
  }

  /** Sends everything appended so far and waits for the acknowledgements. */
  async flush(): Promise<void> {
    while (this.batch.length > 0 || this.sending) {
      this.pump();
      await this.sending;
    }
  }

  async close(): Promise<SinkReport> {
    await this.flush();
    await this.producer?.disconnect().catch((e) => this.noteError(e.message));
    const shortfall = this.appended - this.acknowledged;
    if (shortfall === 0 && this.connectError) {
      // Nothing was lost, yet Kafka never got the run: that is a failure too.
      return {
        name: this.name,
        appended: 0,
        delivered: 0,
        failures: 1,
        firstError: this.connectError,
      };
    }
    return {
      name: this.name,
      appended: this.appended,
      delivered: this.acknowledged,
      failures: shortfall,
      firstError: shortfall > 0
        ? `${shortfall.toLocaleString("en-US")} of ${
          this.appended.toLocaleString("en-US")
        } events not acknowledged` +
          (this.firstError ? ` (${this.firstError})` : "")
        : undefined,
    };
  }

  private inFlight(): number {
    return this.appended - this.acknowledged - this.failed;
  }

  /** Starts sending the pending batch unless a send is already under way. */
  private pump(): void {
    if (this.sending || this.batch.length === 0 || !this.producer) return;
    const messages = this.batch.splice(0, MAX_BATCH);
    this.sending = this.producer.send({
      topic: this.settings.topic,
      acks: -1,
      compression: CompressionTypes.LZ4,
      messages,
    }).then(
      () => {
        this.acknowledged += messages.length;
      },
      (e: Error) => {
        this.failed += messages.length;
        this.noteError(e.message);
      },
    ).finally(() => {
      this.sending = null;
      if (this.inFlight() < this.settings.maxInFlight) {
        for (const wake of this.waiters.splice(0)) wake();
      }
      this.pump();
    });
  }

  private noteError(message: string): void {
    this.firstError ??= message;
  }
}

/** Resolves once `stop` is requested (checked every 50 ms); never without one, or once `over`. */
function untilRequested(stop: { readonly requested: boolean } | undefined, over: () => boolean) {
  return new Promise<void>((resolve) => {
    if (!stop) return;
    const timer = setInterval(() => {
      if (over()) clearInterval(timer);
      else if (stop.requested) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
  });
}
