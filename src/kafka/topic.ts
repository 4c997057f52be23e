import type { Kafka } from "kafkajs";

export const TOPIC_PARTITIONS = 3;

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
