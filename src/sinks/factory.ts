import type { KafkaSettings } from "../kafka/settings.ts";
import type { ChunkTarget } from "./chunk_target.ts";
import { FileSink } from "./file_sink.ts";
import { MultiplexSink } from "./multiplex_sink.ts";
import type { Sink, SinkReport } from "./sink.ts";

/** The sinks of a run: always the `.qrsdp` files; Kafka too when brokers are configured. */
export async function createRunSink(
  output: string,
  kafkaSettings: KafkaSettings | null,
  target?: ChunkTarget,
): Promise<Sink | MultiplexSink> {
  const file = new FileSink(output, target);
  if (!kafkaSettings) return file;
  // Loaded only when needed: kafkajs adds start-up time to every worker of a file-only run.
  const { KafkaSink } = await import("./kafka_sink.ts");
  const kafka = new KafkaSink(kafkaSettings);
  await kafka.connect();
  return new MultiplexSink([file, kafka]);
}

/** Per-sink reports; a multiplexer reports each of its sinks. */
export async function closeRunSink(sink: Sink | MultiplexSink): Promise<SinkReport[]> {
  return sink instanceof MultiplexSink ? await sink.close() : [await sink.close()];
}
