import process from "node:process";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import type { Producer } from "kafkajs";
import type { EventRecord } from "../format/record.ts";
import "../kafka/batch_codec.ts"; // registers the LZ4 codec
import { partitionOf } from "../kafka/partition.ts";
import { BATCH_BYTES, BATCH_MESSAGES, EventProducer } from "../kafka/producer.ts";
import type { KafkaSettings } from "../run/config.ts";
import type { SessionInfo, Sink, SinkReport, SymbolCounts } from "./sink.ts";

const ENCODER = new TextEncoder();

/** Message key of the unnamed security (a run without `--securities`). */
export const UNNAMED_KEY = "DEFAULT";
/** Header carrying the simulated trading date, YYYY-MM-DD, read by ClickHouse. */
export const DATE_HEADER = "date";
export const TOPIC_PARTITIONS = 3;

// kafkajs arms a timer with a negative delay while it is not throttled; Node's timers warn about
// it on every request. The delay is clamped to 1 ms either way, so that warning alone is dropped.
const emitWarning = process.emitWarning;
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const name = typeof warning === "string" ? rest[0] : warning.name;
  if (name !== "TimeoutNegativeWarning") {
    (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  }
}) as typeof process.emitWarning;

export function kafkaClient(s: KafkaSettings, clientId: string, retryMs: number): Kafka {
  const sasl = s.saslMechanism
    ? {
      mechanism: s.saslMechanism.toLowerCase() as "plain",
      username: s.saslUsername!,
      password: s.saslPassword!,
    }
    : undefined;
  return new Kafka({
    clientId,
    brokers: s.brokers,
    ssl: s.securityProtocol === "SSL" || s.securityProtocol === "SASL_SSL",
    sasl,
    connectionTimeout: 3000,
    logLevel: logLevel.NOTHING,
    retry: retryPolicy(retryMs),
  });
}

/** Backoff from 300 ms to 5 s, with as many retries as fit in `totalMs` (at least one). */
function retryPolicy(totalMs: number) {
  const initialRetryTime = 300, maxRetryTime = 5000;
  let retries = 0;
  for (let spent = 0, wait = initialRetryTime; spent + wait <= totalMs; retries++) {
    spent += wait;
    wait = Math.min(wait * 2, maxRetryTime);
  }
  return { initialRetryTime, maxRetryTime, retries: Math.max(retries, 1), multiplier: 2 };
}

/** Creates the topic with three partitions when it does not exist yet. */
export async function ensureTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) {
      await admin.createTopics({
        topics: [{ topic, numPartitions: TOPIC_PARTITIONS }],
        waitForLeaders: true,
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Events to Kafka: key = symbol, header `date`, value = up to `recordsPerMessage` 26-byte records
 * of that symbol and date, in time order (src/kafka/producer.ts). An idempotent producer (acks
 * from all in-sync replicas) sends one LZ4-compressed request at a time, which keeps each
 * symbol's order; `append` holds the generator back while `maxInFlight` events await
 * acknowledgement. A broker that stays away longer than the retry budget fails the request:
 * its events are counted as not acknowledged, never dropped silently.
 */
export class KafkaSink implements Sink {
  readonly name = "kafka";
  private readonly kafka: Kafka;
  private producer: Producer | null = null;
  private events: EventProducer | null = null;
  /** Events appended while no producer could be had. */
  private unsent = 0;
  private symbol = UNNAMED_KEY;
  private readonly symbols: string[] = [];
  private firstError?: string;

  constructor(private readonly settings: KafkaSettings) {
    this.kafka = kafkaClient(settings, "qrsdp-producer", settings.timeoutMs);
  }

  /** Connects and creates the topic if needed; on failure the sink stays usable but failing. */
  async connect(): Promise<void> {
    try {
      await ensureTopic(this.kafka, this.settings.topic);
      const partitions = await partitionCount(this.kafka, this.settings.topic);
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      this.producer = producer;
      this.events = new EventProducer(producer, (key) => partitionOf(key, partitions), {
        topic: this.settings.topic,
        recordsPerMessage: this.settings.recordsPerMessage,
        lingerMs: this.settings.lingerMs,
        maxInFlight: this.settings.maxInFlight,
        batchBytes: BATCH_BYTES,
        batchMessages: BATCH_MESSAGES,
      });
    } catch (e) {
      this.noteError(`cannot reach ${this.settings.brokers.join(",")}: ${(e as Error).message}`);
    }
  }

  beginSession(session: SessionInfo): void {
    this.symbol = session.symbol ?? UNNAMED_KEY;
    if (!this.symbols.includes(this.symbol)) this.symbols.push(this.symbol);
    this.events?.setFrame(ENCODER.encode(this.symbol), DATE_HEADER, session.date);
  }

  append(rec: EventRecord): void | Promise<void> {
    if (this.events) return this.events.append(rec);
    this.unsent++;
  }

  endSession(): Promise<void> {
    return this.flush();
  }

  /** Sends everything appended so far and waits for the acknowledgements. */
  async flush(): Promise<void> {
    await this.events?.flush();
  }

  async close(): Promise<SinkReport> {
    await this.flush();
    this.events?.close();
    await this.producer?.disconnect().catch((e) => this.noteError(e.message));
    const bySymbol = this.symbols.map((symbol): SymbolCounts => {
      const c = this.events?.countsOf(ENCODER.encode(symbol));
      return {
        symbol,
        events: (c?.events ?? 0) + (this.events ? 0 : this.unsent),
        acknowledgedEvents: c?.acknowledgedEvents ?? 0,
        messages: c?.messages ?? 0,
        acknowledgedMessages: c?.acknowledgedMessages ?? 0,
      };
    });
    const appended = (this.events?.counts.events ?? 0) + this.unsent;
    const acknowledged = this.events?.counts.acknowledgedEvents ?? 0;
    const shortfall = appended - acknowledged;
    this.firstError ??= this.events?.firstError;
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
      detail: `${acknowledged} acknowledged by ${
        this.settings.brokers.join(",")
      } topic ${this.settings.topic}`,
      bySymbol,
    };
  }

  private noteError(message: string): void {
    this.firstError ??= message;
  }
}

/**
 * The topic's partition count. A topic just created can be briefly unknown to the broker that
 * answers ("does not host this topic-partition"), so that answer is asked again for a while.
 */
async function partitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1;; attempt++) {
      try {
        const meta = await admin.fetchTopicMetadata({ topics: [topic] });
        return meta.topics[0].partitions.length;
      } catch (e) {
        if (attempt >= 40 || (e as { type?: string }).type !== "UNKNOWN_TOPIC_OR_PARTITION") {
          throw e;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
