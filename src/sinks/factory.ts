import type { KafkaSettings } from "../kafka/settings.ts";
import type { ChunkTarget } from "./chunk_target.ts";
import { FileSink } from "./file_sink.ts";
import { MultiplexSink } from "./multiplex_sink.ts";
import type { Sink, SinkReport } from "./sink.ts";

/**
 * The sinks of a run: always the `.qrsdp` files; Kafka too when brokers are configured. When
 * Kafka cannot be reached (or `stop` comes first), `onKafkaDown` hears why at once: the run goes
 * on to its files, and the shortfall is reported at the end.
 */
export async function createRunSink(
  output: string,
  kafkaSettings: KafkaSettings | null,
  target?: ChunkTarget,
  stop?: { readonly requested: boolean },
  onKafkaDown?: (why: string) => void,
): Promise<Sink | MultiplexSink> {
  const file = new FileSink(output, target);
  if (!kafkaSettings) return file;
  // Loaded only when needed: kafkajs adds start-up time to every worker of a file-only run.
  const { KafkaSink } = await import("./kafka_sink.ts");
  const kafka = new KafkaSink(kafkaSettings);
  const down = await kafka.connect(stop);
  if (down) onKafkaDown?.(down);
  return new MultiplexSink([file, kafka]);
}

/** Per-sink reports; a multiplexer reports each of its sinks. */
export async function closeRunSink(sink: Sink | MultiplexSink): Promise<SinkReport[]> {
  return sink instanceof MultiplexSink ? await sink.close() : [await sink.close()];
}
