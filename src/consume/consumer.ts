import { DataError, UsageError } from "../core/errors.ts";
import { kafkaClient } from "../kafka/client.ts";
import type { KafkaSettings } from "../kafka/settings.ts";
import type { StopFlag } from "../run/stop.ts";
import { messageReader } from "./values.ts";
import type { MessageReader } from "./values.ts";
import type { ConsumedEvent } from "./decode.ts";
import type { MessageContext } from "./format_string.ts";

/** Where each partition is read from (kcat's -o): an offset, or the first at a time. */
export type StartAt =
  | { kind: "beginning" }
  | { kind: "end" }
  | { kind: "offset"; offset: number }
  | { kind: "from-end"; count: number }
  | { kind: "time"; ms: number };

export interface ConsumeOptions {
  /** Where to start; unset: the group's committed offsets (with `group`), else the end. */
  start?: StartAt;
  /** Only this partition; else every partition of the topic. */
  partition?: number;
  /** A partition is done at its first message with a timestamp at or after this (not shown). */
  toTimeMs?: number;
  /** A consumer group whose offsets are read and committed; else a group of our own, never committed. */
  group?: string;
  /** Stop after this many events. */
  max?: number;
  /** A partition is done once read up to its end offset as of the start. */
  toEnd: boolean;
  stop: StopFlag;
  /** How values hold events (default: rowbinary records). */
  read?: MessageReader;
  onEvent(e: ConsumedEvent, m: MessageContext): void;
  /**
   * A message that is not ours (its partition and offset are in the error): reported, passed
   * over. Without this, such a message ends the consumption with its error.
   */
  onUndecodable?(e: DataError): void;
}

interface PartitionPlan {
  partition: number;
  start: number;
  /** The end offset as of the start (the high watermark). */
  end: number;
}

/** Each chosen partition's first offset to read, from the topic's and the group's offsets. */
async function planPartitions(
  kafka: ReturnType<typeof kafkaClient>,
  topic: string,
  opts: ConsumeOptions,
): Promise<{ plans: PartitionPlan[]; others: number[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let offsets = await admin.fetchTopicOffsets(topic);
    const others = offsets.map((p) => p.partition).filter((p) =>
      opts.partition !== undefined && p !== opts.partition
    );
    if (opts.partition !== undefined) {
      offsets = offsets.filter((p) => p.partition === opts.partition);
      if (offsets.length === 0) {
        throw new UsageError(`--partition: topic ${topic} has no partition ${opts.partition}`);
      }
    }
    const committed = new Map<number, number>();
    if (opts.group !== undefined && opts.start === undefined) {
      const [mine] = await admin.fetchOffsets({ groupId: opts.group, topics: [topic] });
      for (const p of mine?.partitions ?? []) committed.set(p.partition, Number(p.offset));
    }
    const atTime = new Map<number, number>();
    if (opts.start?.kind === "time") {
      for (const p of await admin.fetchTopicOffsetsByTimestamp(topic, opts.start.ms)) {
        atTime.set(p.partition, Number(p.offset));
      }
    }
    const plans = offsets.map((p) => {
      const low = Number(p.low), high = Number(p.high);
      const s = opts.start;
      // -1: the group has no offset there, or no message is that late.
      const known = (offset: number | undefined) =>
        offset !== undefined && offset >= 0 ? offset : high;
      let start = high;
      if (s === undefined) start = known(committed.get(p.partition));
      else if (s.kind === "beginning") start = low;
      else if (s.kind === "offset") start = s.offset;
      else if (s.kind === "from-end") start = high - s.count;
      else if (s.kind === "time") start = known(atTime.get(p.partition));
      return { partition: p.partition, start: Math.min(Math.max(start, low), high), end: high };
    });
    return { plans, others };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads the topic from the planned offsets. Without `group` the consumer group is our own (a
 * random id, no offsets committed), so it never moves the offsets of ClickHouse's consumer;
 * with one, the offsets after every delivered message are committed (each second and at the
 * end). Returns the number of events delivered.
 */
export async function consumeTopic(settings: KafkaSettings, opts: ConsumeOptions) {
  const kafka = kafkaClient(settings, "qrsdp-consume", settings.timeoutMs);
  const topic = settings.topic;
  const { plans, others } = await planPartitions(kafka, topic, opts);
  const read = opts.read ?? messageReader("rowbinary");
  // A partition is done at its end (with --to-end) or at --to-time; consume ends when all are.
  const open = new Set<number>();
  const ends = opts.toEnd || opts.toTimeMs !== undefined;
  for (const p of plans) if (!opts.toEnd || p.start < p.end) open.add(p.partition);
  const endOf = new Map(plans.map((p) => [p.partition, p.end]));
  if (ends && open.size === 0) return 0;

  const consumer = kafka.consumer({
    groupId: opts.group ?? `qrsdp-consume-${crypto.randomUUID()}`,
    allowAutoTopicCreation: false,
  });
  const next = new Map<number, number>();
  let committed = new Map<number, number>();
  const commit = async () => {
    if (opts.group === undefined || next.size === 0) return;
    const due = [...next].filter(([p, o]) => committed.get(p) !== o);
    if (due.length === 0) return;
    committed = new Map(next);
    await consumer.commitOffsets(
      due.map(([partition, offset]) => ({ topic, partition, offset: String(offset) })),
    );
  };
  let delivered = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const full = () => opts.max !== undefined && delivered >= opts.max;
  const close = (partition: number) => {
    open.delete(partition);
    if (ends && open.size === 0) finish();
  };
  let failure: unknown = null;
  let ticks = 0;
  const poll = setInterval(() => {
    if (opts.stop.requested) finish();
    if (++ticks % 10 !== 0) return;
    commit().catch((e) => {
      failure = e;
      finish();
    });
  }, 100);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (opts.stop.requested || full() || !open.has(partition) || failure) return;
        const offset = Number(message.offset);
        const timestampMs = Number(message.timestamp);
        if (opts.toTimeMs !== undefined && timestampMs >= opts.toTimeMs) {
          close(partition);
          return;
        }
        const headers: Record<string, string> = {};
        const raw: Record<string, Uint8Array | string | undefined> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) {
          const one = Array.isArray(v) ? v[0] : v;
          raw[k] = one;
          if (one !== undefined) headers[k] = typeof one === "string" ? one : decoder.decode(one);
        }
        let events: ConsumedEvent[] = [];
        try {
          events = await read({
            partition,
            offset,
            key: message.key,
            value: message.value,
            headers: raw,
          });
        } catch (e) {
          if (!(e instanceof DataError) || !opts.onUndecodable) {
            failure = e;
            finish();
            return;
          }
          opts.onUndecodable(e);
        }
        // After an await: a stop, --max or this partition's end may have come meanwhile.
        if (opts.stop.requested || full() || !open.has(partition)) return;
        const context: MessageContext = {
          topic,
          timestampMs,
          valueBytes: message.value?.length ?? 0,
          headers,
        };
        let shown = 0;
        for (const e of events) {
          if (full()) break;
          opts.onEvent(e, context);
          delivered++;
          shown++;
        }
        if (shown === events.length) next.set(partition, offset + 1);
        if (full()) finish();
        if (opts.toEnd && offset + 1 >= endOf.get(partition)!) close(partition);
      },
    });
    for (const p of plans) {
      consumer.seek({ topic, partition: p.partition, offset: String(p.start) });
    }
    if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
    await finished;
    await commit();
  } finally {
    clearInterval(poll);
    await consumer.disconnect().catch(() => {});
  }
  if (failure) throw failure;
  return delivered;
}

const decoder = new TextDecoder();
