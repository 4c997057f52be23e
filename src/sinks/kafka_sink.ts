import type { Kafka } from "kafkajs";
import type { EventRecord } from "../core/events.ts";
import { kafkaClient } from "../kafka/client.ts";
import { DEFAULT_SENDER_OPTIONS, IdempotentSender } from "../kafka/idempotent_sender.ts";
import { KafkajsTransport } from "../kafka/kafkajs_transport.ts";
import { DATE_HEADER, UNNAMED_KEY } from "../kafka/message.ts";
import { partitionOf } from "../kafka/partition.ts";
import { BATCH_BYTES, BATCH_MESSAGES, BATCHES_AHEAD, EventProducer } from "../kafka/producer.ts";
import type { KafkaSettings } from "../kafka/settings.ts";
import { ensureTopic } from "../kafka/topic.ts";
import { producerValueEncoder } from "../kafka/schema_registry.ts";
import type { ValueEncoder } from "../kafka/value_format.ts";
import { withinBudget } from "../kafka/retry.ts";
import type { SessionInfo, Sink, SinkReport, SinkStats, SymbolCounts } from "./sink.ts";
import { LatencyHistogram } from "../core/latency_histogram.ts";

const ENCODER = new TextEncoder();

/**
 * Events to Kafka: key = symbol, header `date`, value = up to `recordsPerMessage` 26-byte records
 * of that symbol and date, in time order (src/kafka/producer.ts). Our idempotent producer (acks
 * from all in-sync replicas, src/kafka/idempotent_sender.ts) sends LZ4-compressed record batches
 * that we encode, up to five requests in flight per broker, keeping each symbol's order through
 * retries; `append` holds the generator back while `maxInFlight` events await acknowledgement.
 * A broker that stays away longer than the retry budget fails the batches: their events are
 * counted as not acknowledged, never dropped silently.
 */
export class KafkaSink implements Sink {
  readonly name = "kafka";
  private readonly kafka: Kafka;
  private transport: KafkajsTransport | null = null;
  private sender: IdempotentSender | null = null;
  private events: EventProducer | null = null;
  /** Events appended while no producer could be had, per symbol. */
  private readonly unsent = new Map<string, number>();
  private symbol = UNNAMED_KEY;
  private readonly symbols: string[] = [];
  private firstError?: string;
  private connectError?: string;

  constructor(private readonly settings: KafkaSettings) {
    this.kafka = kafkaClient(settings, "qrsdp-producer", settings.timeoutMs);
  }

  /**
   * Connects and creates the topic if needed, retrying for the settings' timeout (bounded, see
   * retry.ts), or until `stop` is requested. On failure the sink stays usable but failing, and
   * the reason is returned.
   */
  async connect(stop?: { readonly requested: boolean }): Promise<string | null> {
    const brokers = this.settings.brokers.join(",");
    let valueEncoder: ValueEncoder | null;
    try {
      valueEncoder = await producerValueEncoder(this.settings);
    } catch (e) {
      this.connectError = (e as Error).message;
      this.noteError(this.connectError);
      return this.connectError;
    }
    const attempt = withinBudget(
      (async () => {
        const partitions = await ensureTopic(
          this.kafka,
          this.settings.topic,
          undefined,
          this.settings.timeoutMs,
        );
        const transport = new KafkajsTransport(this.settings, "qrsdp-producer");
        try {
          const sender = new IdempotentSender(transport, {
            ...DEFAULT_SENDER_OPTIONS,
            timeoutMs: this.settings.timeoutMs,
          });
          await sender.start();
          return { transport, sender, partitions };
        } catch (e) {
          await transport.disconnect().catch(() => {});
          throw e;
        }
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
    if (!outcome || outcome instanceof Error) {
      // A connection that comes after the stop is let go.
      if (stopped) attempt.then((p) => p.transport.disconnect(), () => {});
      this.connectError = stopped
        ? `stopped while still trying to reach ${brokers}`
        : `cannot reach ${brokers}: ${(outcome as Error).message}`;
      this.noteError(this.connectError);
      return this.connectError;
    }
    const { transport, sender, partitions } = outcome;
    {
      this.transport = transport;
      this.sender = sender;
      this.events = new EventProducer(sender, (key) => partitionOf(key, partitions), {
        recordsPerMessage: this.settings.recordsPerMessage,
        lingerMs: this.settings.lingerMs,
        maxInFlight: this.settings.maxInFlight,
        batchesAhead: BATCHES_AHEAD,
        batchBytes: BATCH_BYTES,
        batchMessages: BATCH_MESSAGES,
        valueEncoder,
      });
    }
    return null;
  }

  stats(): SinkStats {
    return {
      acknowledged: this.events?.counts.acknowledgedEvents ?? 0,
      latency: this.events?.latency.snapshot() ?? new LatencyHistogram().snapshot(),
    };
  }

  beginSession(session: SessionInfo): void {
    this.symbol = session.symbol ?? UNNAMED_KEY;
    if (!this.symbols.includes(this.symbol)) this.symbols.push(this.symbol);
    this.events?.setFrame(ENCODER.encode(this.symbol), DATE_HEADER, session.date);
  }

  append(rec: EventRecord): void | Promise<void> {
    if (this.events) return this.events.append(rec);
    this.unsent.set(this.symbol, (this.unsent.get(this.symbol) ?? 0) + 1);
  }

  /** Sends everything appended so far and waits for the acknowledgements. */
  async endSession(): Promise<void> {
    await this.events?.flush();
  }

  /**
   * Nothing to do: a paced run calls this before it sleeps, and a partly filled message leaves
   * within the linger time anyway, while waiting for acknowledgements here would make every
   * message as short as the events due between two sleeps.
   */
  flush(): void {}

  async close(): Promise<SinkReport> {
    await this.endSession();
    this.events?.close();
    this.sender?.close();
    await this.transport?.disconnect().catch((e) => this.noteError(e.message));
    const bySymbol = this.symbols.map((symbol): SymbolCounts => {
      const c = this.events?.countsOf(ENCODER.encode(symbol));
      return {
        symbol,
        events: (c?.events ?? 0) + (this.unsent.get(symbol) ?? 0),
        acknowledgedEvents: c?.acknowledgedEvents ?? 0,
        messages: c?.messages ?? 0,
        acknowledgedMessages: c?.acknowledgedMessages ?? 0,
      };
    });
    const appended = bySymbol.reduce((n, c) => n + c.events, 0);
    const acknowledged = this.events?.counts.acknowledgedEvents ?? 0;
    const shortfall = appended - acknowledged;
    this.firstError ??= this.events?.firstError;
    if (shortfall === 0 && this.connectError) {
      // Nothing was lost, yet Kafka never got the run: that is a failure too.
      return {
        name: this.name,
        appended,
        delivered: 0,
        failures: 1,
        firstError: this.connectError,
        bySymbol,
      };
    }
    return {
      name: this.name,
      appended,
      delivered: acknowledged,
      failures: shortfall,
      firstError: shortfall > 0
        ? `${shortfall.toLocaleString("en-US")} of ${
          appended.toLocaleString("en-US")
        } events not acknowledged` +
          (this.firstError ? ` (${this.firstError})` : "")
        : undefined,
      bySymbol,
    };
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
