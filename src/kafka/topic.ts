import type { Kafka } from "kafkajs";

export const TOPIC_PARTITIONS = 3;
/** How long a topic just created may stay unknown to the broker that answers. */
const UNKNOWN_TOPIC_WAIT_MS = 15_000;

/**
 * Creates the topic with three partitions when it does not exist yet; returns its partition
 * count. A topic just created can be briefly unknown to the broker that answers ("does not host
 * this topic-partition", seen on a broker that had just started), so that answer is asked again
 * for a while.
 */
export async function ensureTopic(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const end = Date.now() + UNKNOWN_TOPIC_WAIT_MS;;) {
      try {
        if (!(await admin.listTopics()).includes(topic)) {
          await admin.createTopics({
            topics: [{ topic, numPartitions: TOPIC_PARTITIONS }],
            waitForLeaders: true,
          });
        }
        const meta = await admin.fetchTopicMetadata({ topics: [topic] });
        return meta.topics[0].partitions.length;
      } catch (e) {
        if (!unknownTopic(e) || Date.now() > end) throw e;
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
