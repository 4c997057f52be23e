import type { KafkaSettings } from "../kafka/settings.ts";
import type { ChunkTarget } from "./chunk_target.ts";
import type { KafkaConnector } from "./kafka_link.ts";
import { FileSink } from "./file_sink.ts";
import { MultiplexSink } from "./multiplex_sink.ts";
import type { Sink, SinkReport } from "./sink.ts";
import type { KafkaSink } from "./kafka_sink.ts";

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
  /**
   * Kafka takes the files' chunks, not each event: for unpaced runs only (a paced run's chunk
   * may take minutes to fill).
   */
  kafkaByChunk?: boolean;
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
  { target, extra = [], stop, onKafkaDown, kafkaConnector, kafkaByChunk }: RunSinkOptions = {},
): Promise<Sink | MultiplexSink> {
  if (!kafkaSettings && extra.length === 0) return new FileSink(output, target);
  let kafka: KafkaSink | null = null;
  if (kafkaSettings) {
    // Loaded only when needed: kafkajs adds start-up time to every worker of a file-only run.
    const { KafkaSink } = await import("./kafka_sink.ts");
    const sink = new KafkaSink(kafkaSettings, kafkaConnector, kafkaByChunk);
    // Not awaited: the sink holds the first events while it connects.
    sink.connect(stop).then((down) => down && onKafkaDown?.(down));
    kafka = sink;
  }
  const file = new FileSink(output, target, kafka?.takesEvents === false ? kafka : undefined);
  return new MultiplexSink([file, ...kafka ? [kafka] : [], ...extra]);
}

/** Per-sink reports; a multiplexer reports each of its sinks. */
export async function closeRunSink(sink: Sink | MultiplexSink): Promise<SinkReport[]> {
  return sink instanceof MultiplexSink ? await sink.close() : [await sink.close()];
}
