import type { KafkaSettings } from "../kafka/settings.ts";
import type { ChunkTarget } from "./chunk_target.ts";
import type { KafkaConnector } from "./kafka_link.ts";
import { FileSink } from "./file_sink.ts";
import { MultiplexSink } from "./multiplex_sink.ts";
import type { Sink, SinkReport } from "./sink.ts";

/** What a run's sinks may be told besides where to write. */
export interface RunSinkOptions {
  target?: ChunkTarget;
  /** More sinks (a tap feeding the live ITCH feed). */
  extra?: Sink[];
  /** Stops waiting for Kafka. */
  stop?: { readonly requested: boolean };
  /** Hears at once why Kafka cannot be reached: the run goes on to its files. */
  onKafkaDown?: (why: string) => void;
  /** How the Kafka sink reaches the topic; its own connection in this thread by default. */
  kafkaConnector?: KafkaConnector;
}

/**
 * The sinks of a run: always the `.qrsdp` files; Kafka too when brokers are configured (it
 * connects while the run starts); and any `extra` ones. When Kafka cannot be reached (or `stop`
 * comes first), `onKafkaDown` hears why as soon as that is known, and the shortfall is reported
 * at the end.
 */
export async function createRunSink(
  output: string,
  kafkaSettings: KafkaSettings | null,
  { target, extra = [], stop, onKafkaDown, kafkaConnector }: RunSinkOptions = {},
): Promise<Sink | MultiplexSink> {
  const file = new FileSink(output, target);
  if (!kafkaSettings && extra.length === 0) return file;
  const sinks: Sink[] = [file];
  if (kafkaSettings) {
    // Loaded only when needed: kafkajs adds start-up time to every worker of a file-only run.
    const { KafkaSink } = await import("./kafka_sink.ts");
    const kafka = new KafkaSink(kafkaSettings, kafkaConnector);
    // Not awaited: the sink holds the first events while it connects.
    kafka.connect(stop).then((down) => down && onKafkaDown?.(down));
    sinks.push(kafka);
  }
  return new MultiplexSink([...sinks, ...extra]);
}

/** Per-sink reports; a multiplexer reports each of its sinks. */
export async function closeRunSink(sink: Sink | MultiplexSink): Promise<SinkReport[]> {
  return sink instanceof MultiplexSink ? await sink.close() : [await sink.close()];
}
