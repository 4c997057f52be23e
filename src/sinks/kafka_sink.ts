import type { EventRecord } from "../core/events.ts";
import { RECORD_SIZE } from "../format/record.ts";
import { DATE_HEADER, UNNAMED_KEY } from "../kafka/message.ts";
import { partitionOf } from "../kafka/partition.ts";
import { BATCH_BYTES, BATCH_MESSAGES, BATCHES_AHEAD, EventProducer } from "../kafka/producer.ts";
import type { KafkaSettings } from "../kafka/settings.ts";
import { producerValueEncoder } from "../kafka/schema_registry.ts";
import type { ValueEncoder } from "../kafka/value_format.ts";
import type { SessionInfo, Sink, SinkReport, SinkStats, SymbolCounts } from "./sink.ts";
import { LatencyHistogram } from "../core/latency_histogram.ts";
import type { KafkaConnector, KafkaLink } from "./kafka_link.ts";
import { EarlyEvents } from "./early_events.ts";
import type { EarlySession } from "./early_events.ts";

const ENCODER = new TextEncoder();
/** Records held while the connection is being made (about 40,000 events: more cost memory). */
const EARLY_BYTES = 1024 * 1024;

/**
 * Events to Kafka: key = symbol, header `date`, value = up to `recordsPerMessage` 26-byte records
 * of that symbol and date, in time order (src/kafka/producer.ts). Our idempotent producer (acks
 * from all in-sync replicas, src/kafka/idempotent_sender.ts) sends LZ4-compressed record batches
 * that we encode, up to five requests in flight per broker, keeping each symbol's order through
 * retries; `append` holds the generator back while `maxInFlight` events await acknowledgement.
 * A broker that stays away longer than the retry budget fails the batches: their events are
 * counted as not acknowledged, never dropped silently. The connection is this thread's
 * (kafka_connect.ts) unless a connector says otherwise: a run's workers hand their batches to
 * the main thread's (kafka_remote.ts).
 */
export class KafkaSink implements Sink {
  readonly name = "kafka";
  /** False when a file sink hands it its chunks (`appendRecords`) instead of each event. */
  readonly takesEvents: boolean;
  private link: KafkaLink | null = null;
  private events: EventProducer | null = null;
  /** Events appended while no producer could be had, per symbol. */
  private readonly unsent = new Map<string, number>();
  private symbol = UNNAMED_KEY;
  private readonly symbols: string[] = [];
  private firstError?: string;
  private connectError?: string;
  /** The outcome of `connect` (null: connected), once asked for. */
  private connecting: Promise<string | null> | null = null;
  private settled = false;
  /** Events appended while the connection was being made, sent once it is. */
  private readonly early = new EarlyEvents(EARLY_BYTES);
  private readonly setFrame = (s: EarlySession) =>
    this.events!.setFrame(ENCODER.encode(s.symbol), DATE_HEADER, s.date);
  /** Records of a chunk taken once the connection is made (see `later`). */
  private feeding: Promise<void> | null = null;

  /**
   * `byChunk`: the run's file sink hands over its chunks (an unpaced run, whose chunks fill in
   * a millisecond), which saves encoding each event again; for values in the file's layout only.
   */
  constructor(
    private readonly settings: KafkaSettings,
    private readonly connector: KafkaConnector = async (stop) =>
      (await import("./kafka_connect.ts")).connectKafka(settings, stop),
    byChunk = false,
  ) {
    this.takesEvents = !(byChunk && settings.valueFormat === "rowbinary");
  }

  /**
   * Connects and creates the topic if needed, retrying for the settings' timeout (bounded, see
   * retry.ts), or until `stop` is requested. Events appended meanwhile are held (up to
   * EARLY_BYTES; then `append` waits) and sent once connected. On failure the sink stays usable
   * but failing (what it held counts as not acknowledged), and the reason is returned.
   */
  connect(stop?: { readonly requested: boolean }): Promise<string | null> {
    this.connecting ??= this.open(stop);
    return this.connecting;
  }

  private async open(stop?: { readonly requested: boolean }): Promise<string | null> {
    let valueEncoder: ValueEncoder | null;
    try {
      valueEncoder = await producerValueEncoder(this.settings);
      this.link = await this.connector(stop);
    } catch (e) {
      this.connectError = (e as Error).message;
      this.noteError(this.connectError);
      for (const [symbol, n] of this.early.countsBySymbol()) {
        this.unsent.set(symbol, (this.unsent.get(symbol) ?? 0) + n);
      }
      this.early.clear();
      this.settled = true;
      return this.connectError;
    }
    const partitions = this.link.partitions;
    this.events = new EventProducer(this.link.sender, (key) => partitionOf(key, partitions), {
      recordsPerMessage: this.settings.recordsPerMessage,
      lingerMs: this.settings.lingerMs,
      maxInFlight: this.settings.maxInFlight,
      batchesAhead: BATCHES_AHEAD,
      batchBytes: BATCH_BYTES,
      batchMessages: BATCH_MESSAGES,
      valueEncoder,
    });
    this.settled = true;
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
    const early = { symbol: this.symbol, date: session.date };
    if (this.waiting || !this.early.isEmpty) this.early.begin(early);
    else if (this.events) this.setFrame(early);
  }

  append(rec: EventRecord): void | Promise<void> {
    if (this.waiting) {
      if (this.early.add(rec)) return;
      return this.connecting!.then(() => this.append(rec));
    }
    if (!this.early.isEmpty) return this.sendEarly(rec);
    if (this.events) return this.events.append(rec);
    this.unsent.set(this.symbol, (this.unsent.get(this.symbol) ?? 0) + 1);
  }

  /** Takes `count` 26-byte records of a file chunk (ChunkFollower); held back as `append` is. */
  appendRecords(records: Uint8Array, count: number): void | Promise<void> {
    if (this.waiting) {
      const held = this.early.addRecords(records, count);
      if (held < count) return this.later(records, held, count, this.connecting!);
      return;
    }
    if (!this.early.isEmpty) {
      const sending = this.sendEarly(null);
      if (sending) return this.later(records, 0, count, sending);
    }
    if (this.events) return this.events.appendRecords(records, count);
    this.unsent.set(this.symbol, (this.unsent.get(this.symbol) ?? 0) + count);
  }

  /**
   * Takes records `from` to `count` once `first` has settled: a copy, since the chunk's buffer
   * is written again once the generator goes on.
   */
  private later(records: Uint8Array, from: number, count: number, first: Promise<unknown>) {
    const rest = records.slice(from * RECORD_SIZE, count * RECORD_SIZE);
    const feeding: Promise<void> = first.then(() => this.appendRecords(rest, count - from));
    this.feeding = feeding;
    return feeding;
  }

  /** Sends everything appended so far and waits for the acknowledgements. */
  async endSession(): Promise<void> {
    await this.connecting;
    for (let f; (f = this.feeding) !== null;) {
      await f;
      if (this.feeding === f) this.feeding = null;
    }
    if (!this.early.isEmpty) await this.sendEarly(null);
    await this.events?.flush();
  }

  /** Still connecting: events are held. */
  private get waiting(): boolean {
    return this.connecting !== null && !this.settled;
  }

  /** Sends the held events, then `rec`; held back as `append` is. */
  private sendEarly(rec: EventRecord | null): void | Promise<void> {
    const events = this.events!;
    for (let e; (e = this.early.take(this.setFrame)) !== null;) {
      const held = events.append(e);
      if (held) return held.then(() => this.sendEarly(rec));
    }
    this.early.clear();
    if (rec) return events.append(rec);
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
    await this.link?.close().catch((e) => this.noteError(e.message));
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
