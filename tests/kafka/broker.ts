/** The test broker of tests/kafka/start.sh, and a way to read a whole topic back. */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { RECORD_SIZE } from "../../src/format/record.ts";
import "../../src/kafka/client.ts"; // registers the LZ4 codec, quiets kafkajs's timer warning

const HERE = new URL(".", import.meta.url).pathname;
export const KAFKA_TEST_BROKERS = Deno.env.get("KAFKA_TEST_BROKERS") ?? "127.0.0.1:19092";

async function script(name: string, env: Record<string, string> = {}): Promise<void> {
  const out = await new Deno.Command("bash", {
    args: [`${HERE}/${name}`],
    env,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  if (out.code !== 0) throw new Error(`${name} failed: ${new TextDecoder().decode(out.stderr)}`);
}

/** The port of a broker a test starts of its own (and stops). */
export const KAFKA_OWN_PORT = Number(Deno.env.get("KAFKA_TEST_OWN_PORT") ?? "19094");

/** A broker of a test's own, on `port`, with fresh storage. */
export const startBroker = (port: number) =>
  script("start.sh", { KAFKA_TEST_PORT: String(port), KAFKA_KEEP_DATA: "0" });
export const stopBroker = (port: number) => script("stop.sh", { KAFKA_TEST_PORT: String(port) });
/** Starts the broker on `port` again on the data it had. */
export const restartBroker = (port: number) =>
  script("start.sh", { KAFKA_TEST_PORT: String(port), KAFKA_KEEP_DATA: "1" });

async function brokerIsUp(brokers: string): Promise<boolean> {
  const [host, port] = brokers.split(",")[0].split(":");
  try {
    (await Deno.connect({ hostname: host, port: Number(port) })).close();
    return true;
  } catch {
    return false;
  }
}

/** Fails the test module at once when the suite's broker is not running. */
export async function requireBroker(): Promise<void> {
  assert.ok(
    await brokerIsUp(KAFKA_TEST_BROKERS),
    `no Kafka broker at ${KAFKA_TEST_BROKERS}: start tests/kafka/start.sh`,
  );
}

/** The CLI flags that send a run to `topic` on `brokers`. */
export function kafkaFlags(topic: string, brokers = KAFKA_TEST_BROKERS): string[] {
  return ["--kafka-brokers", brokers, "--kafka-topic", topic];
}

export interface ConsumedMessage {
  partition: number;
  offset: number;
  key: string;
  /** k x 26 bytes: the message's k records, in time order. */
  value: Uint8Array;
  headers: Record<string, string>;
  /** The producer's timestamp (ms since the epoch). */
  timestamp: number;
}

/** One record of a message: the message's fields, and the 26 bytes of this record. */
export interface ConsumedEvent extends ConsumedMessage {
  /** Position of the record in its message. */
  index: number;
}

/** Every record of `messages`, in their order; a value that is not k x 26 bytes throws. */
export function eventsOf(messages: ConsumedMessage[]): ConsumedEvent[] {
  return messages.flatMap((m) => {
    if (m.value.length === 0 || m.value.length % RECORD_SIZE !== 0) {
      throw new Error(
        `${m.key} at ${m.partition}/${m.offset}: ${m.value.length} bytes, not k x ${RECORD_SIZE}`,
      );
    }
    return Array.from({ length: m.value.length / RECORD_SIZE }, (_, index) => ({
      ...m,
      index,
      value: m.value.subarray(index * RECORD_SIZE, (index + 1) * RECORD_SIZE),
    }));
  });
}

/** Every message of `topic`, partition by partition in offset order. */
export async function readTopic(
  topic: string,
  brokers = KAFKA_TEST_BROKERS,
): Promise<ConsumedMessage[]> {
  const kafka = new Kafka({ brokers: brokers.split(","), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  // A broker just restarted answers "does not host this topic-partition" for a while.
  let ends;
  for (const end = Date.now() + 60_000;;) {
    try {
      ends = await admin.fetchTopicOffsets(topic);
      break;
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await admin.disconnect();
  const total = ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const out: ConsumedMessage[] = [];
  if (total === 0) return out;
  const consumer = kafka.consumer({ groupId: `test-${crypto.randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`read ${out.length} of ${total} messages`)),
      60_000,
    );
    consumer.run({
      eachMessage: ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        out.push({
          partition,
          offset: Number(message.offset),
          key: message.key?.toString() ?? "",
          value: new Uint8Array(message.value!),
          headers,
          timestamp: Number(message.timestamp),
        });
        if (out.length === total) {
          clearTimeout(timer);
          resolve();
        }
        return Promise.resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}
