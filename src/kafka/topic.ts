import type { Kafka } from "kafkajs";

export const TOPIC_PARTITIONS = 3;

/**
 * Creates the topic with three partitions when it does not exist yet; returns its partition
 * count. A topic just created can be briefly unknown to the broker that answers ("does not host
 * this topic-partition"), so that answer is asked again for a while.
 */
export async function ensureTopic(kafka: Kafka, topic: string): Promise<number> {
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
