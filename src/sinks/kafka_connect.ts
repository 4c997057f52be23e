/**
 * The connection to Kafka in this thread: the topic made if missing, kafkajs's cluster carrying
 * our Produce requests, the idempotent sender, and our record batch framing in front of it.
 */
import { kafkaClient } from "../kafka/client.ts";
import { EncodingSender } from "../kafka/encoding_sender.ts";
import { DEFAULT_SENDER_OPTIONS, IdempotentSender } from "../kafka/idempotent_sender.ts";
import { KafkajsTransport } from "../kafka/kafkajs_transport.ts";
import { BATCHES_AHEAD } from "../kafka/producer.ts";
import { withinBudget } from "../kafka/retry.ts";
import type { KafkaSettings } from "../kafka/settings.ts";
import { ensureTopic } from "../kafka/topic.ts";
import type { KafkaConnection } from "./kafka_link.ts";

/** Connects to `settings`' cluster (see KafkaConnector), retrying within its timeout. */
export async function connectKafka(
  settings: KafkaSettings,
  stop?: { readonly requested: boolean },
): Promise<KafkaConnection> {
  const brokers = settings.brokers.join(",");
  const attempt = withinBudget(
    (async () => {
      const kafka = kafkaClient(settings, "qrsdp-producer", settings.timeoutMs);
      const partitions = await ensureTopic(kafka, settings.topic, undefined, settings.timeoutMs);
      const transport = new KafkajsTransport(settings, "qrsdp-producer");
      try {
        const sender = new IdempotentSender(transport, {
          ...DEFAULT_SENDER_OPTIONS,
          timeoutMs: settings.timeoutMs,
        });
        await sender.start();
        return { transport, sender, partitions };
      } catch (e) {
        await transport.disconnect().catch(() => {});
        throw e;
      }
    })(),
    settings.timeoutMs,
  );
  let stopped = false, settled = false;
  const outcome = await Promise.race([
    attempt.then((p) => p, (e: Error) => e).finally(() => settled = true),
    untilRequested(stop, () => settled).then(() => {
      stopped = true;
      return null;
    }),
  ]);
  if (!outcome || outcome instanceof Error) {
    // A connection that comes after the stop is let go.
    if (stopped) attempt.then((p) => p.transport.disconnect(), () => {});
    throw new Error(
      stopped
        ? `stopped while still trying to reach ${brokers}`
        : `cannot reach ${brokers}: ${(outcome as Error).message}`,
    );
  }
  const { transport, sender, partitions } = outcome;
  return {
    partitions,
    sender: new EncodingSender(sender, BATCHES_AHEAD),
    framed: sender,
    close: async () => {
      sender.close();
      await transport.disconnect();
    },
  };
}

/** Resolves once `stop` is requested (checked every 50 ms); never without one, or once `over`. */
function untilRequested(stop: { readonly requested: boolean } | undefined, over: () => boolean) {
  return new Promise<void>((resolve) => {
    if (!stop) return;
    const timer = setInterval(() => {
      if (over()) clearInterval(timer);
      else if (stop.requested) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
  });
}
