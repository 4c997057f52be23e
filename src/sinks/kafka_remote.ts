/**
 * A run's workers share one connection to Kafka, the main thread's: a worker packs its events
 * into batches (producer.ts) in a buffer it shares with the main thread, which sends each through
 * the idempotent sender (that stamps the producer id, sequence and CRC) and answers with the
 * acknowledgement. The worker frames each batch as a record batch (record_batch.ts: LZ4) itself,
 * unless the main thread has a core to spare (one security on two cores, or the run's last day):
 * then the main thread does, as it compresses that worker's files. The main thread loads kafkajs and connects while
 * the workers start; the workers load no kafkajs.
 */
import { batchBound, encodeBatch } from "../kafka/record_batch.ts";
import type { RecordBatch } from "../kafka/record_batch.ts";
import { BATCH_BYTES } from "../kafka/producer.ts";
import type { KafkaSettings } from "../kafka/settings.ts";
import type { KafkaConnection, KafkaLink } from "./kafka_link.ts";

/** From a worker to the main thread. */
export type KafkaRequest =
  | { kind: "kafka-connect"; link: number }
  | {
    kind: "kafka-batch";
    link: number;
    id: number;
    partition: number;
    /**
     * The record batch, or only its encoded records when `framed` is false: the first `bytes`
     * bytes of a buffer the worker keeps until answered.
     */
    slot: SharedArrayBuffer;
    bytes: number;
    messages: number;
    framed: boolean;
    /** The batch's timestamp (the worker's clock when the batch was sealed). */
    timestamp: number;
  };

/** From the main thread to a worker. */
export type KafkaReply =
  | { kind: "kafka-connected"; link: number; partitions: number }
  | { kind: "kafka-connected"; link: number; error: string }
  | { kind: "kafka-acked"; link: number; id: number; error?: string };

export const isKafkaReply = (m: { kind: string }): m is KafkaReply =>
  m.kind === "kafka-connected" || m.kind === "kafka-acked";
export const isKafkaRequest = (m: { kind: string }): m is KafkaRequest =>
  m.kind === "kafka-connect" || m.kind === "kafka-batch";

/** A batch's room: a little over the producer's batch size (a batch ends at a message's end). */
const SLOT_BYTES = batchBound(BATCH_BYTES + 64 * 1024);

/** A spare room of at least `bound` bytes (one is pushed back once its batch is answered). */
function roomFor(spare: Uint8Array[], bound: number, shared: boolean): Uint8Array {
  const room = spare.pop();
  if (room && room.length >= bound) return room;
  const bytes = Math.max(bound, SLOT_BYTES);
  return new Uint8Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

/** A worker's side: links whose batches go out through the main thread. */
export class RemoteKafka {
  private links = 0;
  private batches = 0;
  private readonly connecting = new Map<number, (r: KafkaReply) => void>();
  private readonly waiting = new Map<number, { resolve(): void; reject(e: Error): void }>();
  /**
   * Rooms for the batches on their way: one comes back once its batch is answered, so there are
   * never more than the batches awaiting an answer. Shared: nothing is copied between threads.
   */
  private readonly spare: Uint8Array[] = [];

  /**
   * `frameHere`: false while the main thread frames the batches (it has a core to spare); each
   * batch goes as it says when the batch is sent.
   */
  constructor(private readonly post: (m: KafkaRequest) => void, public frameHere = true) {}

  /** A connector for one sink: each gets a link of its own over the shared connection. */
  connector(): () => Promise<KafkaLink> {
    return () => {
      const link = this.links++;
      return new Promise<KafkaLink>((resolve, reject) => {
        this.connecting.set(link, (r) => {
          if ("error" in r) reject(new Error(r.error));
          else if (r.kind === "kafka-connected") resolve(this.link(link, r.partitions));
        });
        this.post({ kind: "kafka-connect", link });
      });
    };
  }

  /** Takes the main thread's answer. */
  receive(r: KafkaReply): void {
    if (r.kind === "kafka-connected") {
      this.connecting.get(r.link)?.(r);
      this.connecting.delete(r.link);
      return;
    }
    const waiter = this.waiting.get(r.id);
    this.waiting.delete(r.id);
    if (r.error === undefined) waiter?.resolve();
    else waiter?.reject(new Error(r.error));
  }

  private link(link: number, partitions: number): KafkaLink {
    return {
      partitions,
      sender: {
        send: (partition, records, messages) => {
          const id = this.batches++;
          const room = roomFor(this.spare, batchBound(records.length), true);
          const timestamp = Date.now(), framed = this.frameHere;
          if (!framed) room.set(records);
          const bytes = framed
            ? encodeBatch(records, messages, timestamp, room).bytes.length
            : records.length;
          const slot = room.buffer as SharedArrayBuffer;
          return new Promise<void>((resolve, reject) => {
            this.waiting.set(id, { resolve, reject });
            this.post({
              kind: "kafka-batch",
              ...{ link, id, partition, slot, bytes, messages, framed, timestamp },
            });
          }).finally(() => this.spare.push(room));
        },
      },
      // The main thread lets the connection go at the run's end.
      close: () => Promise.resolve(),
    };
  }
}

/**
 * The main thread's side: one connection for every worker, opened as the run starts (so that
 * it overlaps the workers' start), let go by `close` once every worker is done.
 */
export class KafkaHost {
  private connection: Promise<KafkaConnection> | null = null;
  /** Rooms for the batches this thread frames, each back once its batch is answered. */
  private readonly spare: Uint8Array[] = [];

  constructor(
    private readonly settings: KafkaSettings,
    private readonly stop: { readonly requested: boolean },
    private readonly connect = async (stop: { readonly requested: boolean }) =>
      (await import("./kafka_connect.ts")).connectKafka(settings, stop),
  ) {}

  /** Starts connecting. */
  start(): Promise<KafkaConnection> {
    if (!this.connection) {
      this.connection = this.connect(this.stop);
      // A failure is told to each link that asks.
      this.connection.catch(() => {});
    }
    return this.connection;
  }

  handle(m: KafkaRequest, reply: (r: KafkaReply) => void): void {
    const { link } = m;
    if (m.kind === "kafka-connect") {
      this.start().then(
        (c) => reply({ kind: "kafka-connected", link, partitions: c.partitions }),
        (e: Error) => reply({ kind: "kafka-connected", link, error: e.message }),
      );
      return;
    }
    const { id } = m;
    const bytes = new Uint8Array(m.slot, 0, m.bytes);
    let room: Uint8Array | undefined;
    let batch: RecordBatch = { bytes, records: m.messages };
    if (!m.framed) {
      room = roomFor(this.spare, batchBound(m.bytes), false);
      batch = encodeBatch(bytes, m.messages, m.timestamp, room);
    }
    this.start().then((c) => c.framed.send(m.partition, batch)).finally(() => {
      if (room) this.spare.push(room);
    }).then(
      () => reply({ kind: "kafka-acked", link, id }),
      (e: Error) => reply({ kind: "kafka-acked", link, id, error: e.message }),
    );
  }

  /** Lets the connection go (after the last batch was answered). */
  async close(): Promise<void> {
    const c = await this.connection?.catch(() => null);
    await c?.close().catch(() => {});
  }
}
