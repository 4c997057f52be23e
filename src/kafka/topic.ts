import type { Kafka } from "kafkajs";

/** Partitions of a topic we create, unless told otherwise (`platform topic --partitions`). */
export const TOPIC_PARTITIONS = 3;
/** How long a topic just created may stay unknown to the broker that answers. */
const UNKNOWN_TOPIC_WAIT_MS = 15_000;

/** How a topic we create is laid out; the broker's default replication factor when absent. */
export interface TopicLayout {
  partitions: number;
  replicationFactor?: number;
}

/**
 * Creates the topic (three partitions unless `layout` says otherwise) when it does not exist
 * yet; returns its partition count, which for a topic that existed may differ from `layout`'s. A
 * topic just created can be briefly unknown to the broker that answers ("does not host this
 * topic-partition", seen on a broker that had just started); a broker restarting closes the
 * connection, and kafkajs's admin then fails with a TypeError when no broker answered its metadata
 * request. These are asked again for `waitMs`, at least 15 s.
 */
export async function ensureTopic(
  kafka: Kafka,
  topic: string,
  layout: TopicLayout = { partitions: TOPIC_PARTITIONS },
  waitMs = 0,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const end = Date.now() + Math.max(waitMs, UNKNOWN_TOPIC_WAIT_MS);;) {
      try {
        if (!(await admin.listTopics()).includes(topic)) {
          await admin.createTopics({
            topics: [{
              topic,
              numPartitions: layout.partitions,
              ...(layout.replicationFactor ? { replicationFactor: layout.replicationFactor } : {}),
            }],
            waitForLeaders: true,
          });
        }
        const meta = await admin.fetchTopicMetadata({ topics: [topic] });
        return meta.topics[0].partitions.length;
      } catch (e) {
        if (!(unknownTopic(e) || retriable(e)) || Date.now() > end) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

function unknownTopic(e: unknown): boolean {
  for (let x = e as { type?: string; cause?: unknown } | undefined; x; x = x.cause as typeof x) {
    if (x.type === "UNKNOWN_TOPIC_OR_PARTITION") return true;
  }
  return /does not host this topic-partition/.test(String((e as Error)?.message));
}

/** A connection that failed or closed, or no answer at all. */
function retriable(e: unknown): boolean {
  if (e instanceof TypeError) return true;
  const x = e as { name?: string; retriable?: boolean };
  return x.retriable === true && /Connection|Retries|BrokerNotFound/.test(x.name ?? "");
}
