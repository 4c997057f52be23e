/**
 * The produce path's transport: kafkajs's cluster (connections, SSL, SASL, metadata) carries our
 * own Produce requests (produce_request.ts) over each broker's connection, and asks for the
 * producer id with kafkajs's InitProducerId.
 */
// kafkajs's internals, not its public API: the cluster of brokers and their connections.
import Cluster from "kafkajs/src/cluster/index.js";
import { createLogger, LEVELS } from "kafkajs/src/loggers/index.js";
import LoggerConsole from "kafkajs/src/loggers/console.js";
import socketFactory from "kafkajs/src/network/socketFactory.js";
import { Buffer } from "node:buffer";
import {
  decodeProduce,
  MAX_PRODUCE_VERSION,
  MIN_PRODUCE_VERSION,
  PRODUCE_API_KEY,
  produceFrame,
} from "./produce_request.ts";
import type { ProduceAnswer } from "./produce_request.ts";
import { CONNECTION_TIMEOUT_MS, requestTimeoutMs } from "./retry.ts";
import type { ProduceTransport } from "./idempotent_sender.ts";
import type { KafkaSettings } from "./settings.ts";

/** The broker's wait for replicas before it answers (acks = all). */
const PRODUCE_TIMEOUT_MS = 30_000;
/** A request's buffer: room for a batch of the producer's size and more (a larger one gets its own). */
const FRAME_BYTES = 384 * 1024;
/** Answered requests' buffers kept: as many as may be in flight to a broker, and one more. */
const SPARE_FRAMES = 6;
/** InitProducerId's transaction timeout, unused by an idempotent producer but sent. */
const TRANSACTION_TIMEOUT_MS = 60_000;

// deno-lint-ignore no-explicit-any
type Any = any;

export class KafkajsTransport implements ProduceTransport {
  private readonly cluster: Any;
  private readonly versions = new Map<number, number>();
  /**
   * Buffers of answered requests, for the next ones: a request is garbage once written, and the
   * main thread that sends them collects rarely, so new ones piled up (30 MiB in a day of three
   * securities).
   */
  private readonly frames: Uint8Array[] = [];

  constructor(private readonly settings: KafkaSettings, clientId: string) {
    const sasl = settings.saslMechanism
      ? {
        mechanism: settings.saslMechanism.toLowerCase(),
        username: settings.saslUsername!,
        password: settings.saslPassword!,
      }
      : undefined;
    this.cluster = new Cluster({
      logger: createLogger({ level: LEVELS.NOTHING, logCreator: LoggerConsole }),
      socketFactory: socketFactory(),
      brokers: settings.brokers,
      ssl: settings.securityProtocol === "SSL" || settings.securityProtocol === "SASL_SSL",
      sasl,
      clientId,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      authenticationTimeout: requestTimeoutMs(settings.timeoutMs),
      requestTimeout: requestTimeoutMs(settings.timeoutMs),
      enforceRequestTimeout: true,
      metadataMaxAge: 300_000,
      allowAutoTopicCreation: false,
      // Our sender retries, with its own timing: kafkajs's connects and metadata fail fast.
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 },
    });
  }

  async connect(): Promise<void> {
    await this.cluster.connect();
    await this.cluster.addTargetTopic(this.settings.topic);
  }

  /** The leaders, each connected: a batch is only ever sent on a connection already open. */
  async leaders(refresh: boolean): Promise<Map<number, number>> {
    if (refresh) await this.cluster.refreshMetadata();
    const out = new Map<number, number>();
    for (const p of this.cluster.findTopicPartitionMetadata(this.settings.topic)) {
      if (p.leader >= 0) out.set(p.partitionId, p.leader);
    }
    for (const node of new Set(out.values())) {
      const broker = await this.cluster.findBroker({ nodeId: String(node) });
      await broker.connectionPool.getConnection(0);
    }
    return out;
  }

  /**
   * Hands the request to the node's open connection at once, so that requests reach the socket
   * in the order they are made: a broker accepts any first sequence from a producer it does
   * not know yet, so a later batch overtaking an earlier one while a connection opens would be
   * written out of order. With no open connection the request fails, and the sender refreshes
   * the leaders (which connects) before it sends again.
   */
  produce(node: number, partition: number, batch: Uint8Array): Promise<ProduceAnswer> {
    const broker = this.cluster.brokerPool.brokers[String(node)];
    const connection = broker?.connectionPool.pool[0];
    if (!connection?.isConnected()) {
      return Promise.reject(new Error(`broker ${node}: no open connection`));
    }
    let version = this.versions.get(node);
    if (version === undefined) {
      const range = broker.versions?.[PRODUCE_API_KEY];
      version = Math.min(range?.maxVersion ?? MIN_PRODUCE_VERSION, MAX_PRODUCE_VERSION);
      if (version < MIN_PRODUCE_VERSION) {
        return Promise.reject(
          new Error(`broker ${node} does not speak Produce version ${MIN_PRODUCE_VERSION}`),
        );
      }
      this.versions.set(node, version);
    }
    const frames = this.frames;
    const room = frames.pop() ?? new Uint8Array(FRAME_BYTES);
    return sendProduce(connection, version, this.settings.topic, partition, batch, room).finally(
      () => {
        if (frames.length < SPARE_FRAMES) frames.push(room);
      },
    );
  }

  async initProducerId(): Promise<{ producerId: bigint; epoch: number }> {
    await this.cluster.refreshMetadataIfNecessary();
    const broker = await this.cluster.findControllerBroker();
    const r = await broker.initProducerId({ transactionTimeout: TRANSACTION_TIMEOUT_MS });
    return { producerId: BigInt(r.producerId), epoch: r.producerEpoch };
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect();
  }
}

/**
 * What kafkajs's `Connection.send` does for a request on a connection already open and
 * authenticated, with our framing: the request is queued (kafkajs's queue keeps the order, the
 * timeout and the correlation), written to the socket once, and its answer decoded by us.
 */
async function sendProduce(
  connection: Any,
  version: number,
  topic: string,
  partition: number,
  batch: Uint8Array,
  room: Uint8Array,
): Promise<ProduceAnswer> {
  connection.failIfNotConnected();
  const correlationId = connection.nextCorrelationId();
  const frame = produceFrame(
    { version, correlationId, clientId: connection.clientId },
    topic,
    partition,
    batch,
    -1,
    PRODUCE_TIMEOUT_MS,
    room,
  );
  const bytes = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const { payload } = await new Promise<{ payload: Buffer }>((resolve, reject) => {
    const entry = { apiKey: PRODUCE_API_KEY, apiName: "Produce", apiVersion: version };
    connection.requestQueue.push({
      entry: { ...entry, correlationId, resolve, reject },
      expectResponse: true,
      requestTimeout: null,
      sendRequest: () => connection.socket.write(bytes, "binary"),
    });
  });
  return decodeProduce(version, new Uint8Array(payload.buffer, payload.byteOffset, payload.length));
}
