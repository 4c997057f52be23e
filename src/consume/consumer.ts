import { kafkaClient } from "../kafka/client.ts";
import type { KafkaSettings } from "../kafka/settings.ts";
import type { StopFlag } from "../run/stop.ts";
import { decodeMessage } from "./decode.ts";
import type { ConsumedEvent } from "./decode.ts";

export interface ConsumeOptions {
  /** Start at each partition's first offset; else only messages produced from now on. */
  fromBeginning: boolean;
  /** Stop after this many events. */
  max?: number;
  /** Stop once every partition has been read up to its end offset as of the start. */
  toEnd: boolean;
  stop: StopFlag;
  onEvent(e: ConsumedEvent): void;
}

/**
 * Reads the topic with a consumer group of its own (a random id, no offsets committed), so it
 * never moves the offsets of ClickHouse's consumer. Returns the number of events delivered.
 * A malformed message ends the consumption with its error.
 */
export async function consumeTopic(settings: KafkaSettings, opts: ConsumeOptions) {
  const kafka = kafkaClient(settings, "qrsdp-consume", settings.timeoutMs);
  const groupId = `qrsdp-consume-${crypto.randomUUID()}`;
  const remaining = new Map<number, number>();
  if (opts.toEnd) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const p of await admin.fetchTopicOffsets(settings.topic)) {
        const start = opts.fromBeginning ? Number(p.low) : Number(p.high);
        if (Number(p.high) > start) remaining.set(p.partition, Number(p.high));
      }
    } finally {
      await admin.disconnect();
    }
    if (remaining.size === 0) return 0;
  }
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  let delivered = 0;
  let failure: unknown = null;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const poll = setInterval(() => opts.stop.requested && finish(), 100);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [settings.topic], fromBeginning: opts.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ partition, message }) => {
        if (opts.stop.requested || (opts.max !== undefined && delivered >= opts.max)) {
          return Promise.resolve();
        }
        const offset = Number(message.offset);
        try {
          const events = decodeMessage({
            partition,
            offset,
            key: message.key,
            value: message.value,
            headers: Object.fromEntries(
              Object.entries(message.headers ?? {}).map((
                [k, v],
              ) => [k, Array.isArray(v) ? v[0] : v]),
            ),
          });
          for (const e of events) {
            if (opts.max !== undefined && delivered >= opts.max) break;
            opts.onEvent(e);
            delivered++;
          }
        } catch (e) {
          failure = e;
          finish();
          return Promise.resolve();
        }
        const end = remaining.get(partition);
        if (end !== undefined && offset + 1 >= end) remaining.delete(partition);
        if (opts.max !== undefined && delivered >= opts.max) finish();
        if (opts.toEnd && remaining.size === 0) finish();
        return Promise.resolve();
      },
    });
    await finished;
  } finally {
    clearInterval(poll);
    await consumer.disconnect().catch(() => {});
  }
  if (failure) throw failure;
  return delivered;
}
