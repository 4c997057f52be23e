import { kafkaClient } from "./client.ts";
import { withinBudget } from "./retry.ts";
import { kafkaSettings } from "./settings.ts";

/** Per-partition lag of a consumer group: the topic's end offset minus the group's offset. */
export async function consumerLag(brokers: string, topic: string, group: string) {
  const settings = kafkaSettings(
    { brokers, maxInFlight: 1, timeoutSeconds: 5 },
    (n) => Deno.env.get(n),
  )!;
  const admin = kafkaClient(settings, "qrsdp-status", 5000).admin();
  return await withinBudget(
    (async () => {
      await admin.connect();
      try {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        return ends.sort((a, b) => a.partition - b.partition).map((end) => {
          const c = committed?.partitions.find((p) => p.partition === end.partition);
          const at = c && Number(c.offset) >= 0 ? Number(c.offset) : 0;
          return { partition: end.partition, lag: Number(end.high) - at };
        });
      } finally {
        await admin.disconnect();
      }
    })(),
    5000,
  );
}
