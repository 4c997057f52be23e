/**
 * A three-broker KRaft cluster for the fault tests, from the same jars as start.sh: three JVMs,
 * each broker and controller (three voters), replication factor 3, min.insync.replicas=2, and
 * failure detection in seconds (a broker is fenced 3 s after its last heartbeat). Node i
 * (1-3) listens on BASE + 2(i-1) for clients and the next port for the controllers; BASE comes
 * from KAFKA_CLUSTER_PORT (default 19100). State lives in .work/cluster-BASE.
 */
import { Kafka, logLevel } from "kafkajs";
import "../../src/kafka/client.ts"; // registers the LZ4 codec, quiets kafkajs's timer warning

const HERE = new URL(".", import.meta.url).pathname;
const LIBS = `${HERE}.work/libs`;
export const KAFKA_CLUSTER_PORT = Number(Deno.env.get("KAFKA_CLUSTER_PORT") ?? "19100");
const NODES = [1, 2, 3];
const START_TIMEOUT_MS = 120_000;

const javaArgs = (work: string) => [
  ...["-Xms128m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"],
  `-Dkafka.logs.dir=${work}`,
  `-Dlog4j2.configurationFile=${work}/log4j2.properties`,
  ...["-cp", `${LIBS}/*`],
];

async function java(work: string, args: string[]): Promise<string> {
  const out = await new Deno.Command("java", {
    args: [...javaArgs(work), ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (out.code !== 0) throw new Error(`java ${args[0]}: ${text}`);
  return text;
}

function canConnect(port: number): Promise<boolean> {
  return Deno.connect({ hostname: "127.0.0.1", port }).then((c) => {
    c.close();
    return true;
  }, () => false);
}

export class KafkaCluster {
  readonly base: number;
  private readonly dir: string;
  private readonly processes = new Map<number, Deno.ChildProcess>();

  constructor(base = KAFKA_CLUSTER_PORT) {
    this.base = base;
    this.dir = `${HERE}.work/cluster-${base}`;
  }

  clientPort(node: number): number {
    return this.base + 2 * (node - 1);
  }

  /** host:port of every node, for --kafka-brokers. */
  get brokers(): string {
    return NODES.map((n) => `127.0.0.1:${this.clientPort(n)}`).join(",");
  }

  private work(node: number): string {
    return `${this.dir}/node-${node}`;
  }

  /** Formats fresh storage for every node and starts them; resolves once all three serve. */
  async start(): Promise<void> {
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
    const voters = NODES.map((n) => `${n}@127.0.0.1:${this.clientPort(n) + 1}`).join(",");
    for (const n of NODES) {
      const work = this.work(n), port = this.clientPort(n);
      Deno.mkdirSync(work, { recursive: true });
      Deno.writeTextFileSync(
        `${work}/server.properties`,
        [
          "process.roles=broker,controller",
          `node.id=${n}`,
          `controller.quorum.voters=${voters}`,
          `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${port + 1}`,
          `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
          "controller.listener.names=CONTROLLER",
          "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
          "inter.broker.listener.name=PLAINTEXT",
          `log.dirs=${work}/data`,
          "num.partitions=3",
          "default.replication.factor=3",
          "min.insync.replicas=2",
          "auto.create.topics.enable=false",
          "offsets.topic.replication.factor=3",
          "offsets.topic.num.partitions=3",
          "transaction.state.log.replication.factor=3",
          "transaction.state.log.min.isr=2",
          "transaction.state.log.num.partitions=3",
          "share.coordinator.state.topic.replication.factor=3",
          "share.coordinator.state.topic.min.isr=2",
          "group.initial.rebalance.delay.ms=0",
          "broker.heartbeat.interval.ms=500",
          "broker.session.timeout.ms=3000",
          "controller.quorum.election.timeout.ms=1000",
          "controller.quorum.fetch.timeout.ms=2000",
          "replica.lag.time.max.ms=5000",
          "unclean.leader.election.enable=false",
        ].join("\n") + "\n",
      );
      Deno.writeTextFileSync(
        `${work}/log4j2.properties`,
        [
          "rootLogger.level=INFO",
          "rootLogger.appenderRef.file.ref=file",
          "appender.file.type=File",
          "appender.file.name=file",
          "appender.file.fileName=${sys:kafka.logs.dir}/server.log",
          "appender.file.layout.type=PatternLayout",
          "appender.file.layout.pattern=[%d] %p %m (%c)%n",
        ].join("\n") + "\n",
      );
    }
    const id = (await java(this.work(1), ["kafka.tools.StorageTool", "random-uuid"])).trim()
      .split("\n").at(-1)!;
    await Promise.all(NODES.map((n) =>
      java(this.work(n), [
        "kafka.tools.StorageTool",
        "format",
        ...["-t", id, "-c", `${this.work(n)}/server.properties`],
      ])
    ));
    for (const n of NODES) this.launch(n);
    await Promise.all(NODES.map((n) => this.awaitServing(n)));
    await this.awaitBrokers(3);
  }

  private launch(node: number): void {
    const work = this.work(node);
    const child = new Deno.Command("java", {
      args: [...javaArgs(work), "kafka.Kafka", `${work}/server.properties`],
      stdout: "null", // the broker logs to server.log
      stderr: "null",
    }).spawn();
    this.processes.set(node, child);
  }

  private async awaitServing(node: number): Promise<void> {
    const end = Date.now() + START_TIMEOUT_MS;
    const child = this.processes.get(node)!;
    let exited = false;
    child.status.then(() => exited = true);
    while (Date.now() < end) {
      if (exited) throw new Error(`node ${node} exited; see ${this.work(node)}/server.log`);
      let log = "";
      try {
        log = Deno.readTextFileSync(`${this.work(node)}/server.log`);
      } catch { /* not yet written */ }
      if (/Kafka Server started/.test(log) && await canConnect(this.clientPort(node))) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`node ${node} did not start within ${START_TIMEOUT_MS / 1000} s`);
  }

  /** Waits until the cluster's metadata lists `count` live brokers. */
  async awaitBrokers(count: number): Promise<void> {
    const admin = this.kafka().admin();
    await admin.connect();
    try {
      for (const end = Date.now() + START_TIMEOUT_MS; Date.now() < end;) {
        const { brokers } = await admin.describeCluster().catch(() => ({ brokers: [] }));
        if (brokers.length === count) return;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`the cluster did not list ${count} brokers`);
    } finally {
      await admin.disconnect();
    }
  }

  kafka(): Kafka {
    return new Kafka({
      brokers: this.brokers.split(","),
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1000 },
    });
  }

  /** CPU seconds the running nodes have used so far (from /proc). */
  cpuSeconds(): number {
    let ticks = 0;
    for (const child of this.processes.values()) {
      const fields = Deno.readTextFileSync(`/proc/${child.pid}/stat`).split(") ")[1].split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime + stime
    }
    return ticks / 100;
  }

  /** Whether `node`'s JVM runs. */
  running(node: number): boolean {
    return this.processes.has(node);
  }

  /** kill -9 of `node`. */
  async kill(node: number): Promise<void> {
    const child = this.processes.get(node)!;
    this.processes.delete(node);
    child.kill("SIGKILL");
    await child.status;
  }

  /** Stops `node` cleanly (SIGTERM: a controlled shutdown), and waits for its exit. */
  async stop(node: number): Promise<void> {
    const child = this.processes.get(node);
    if (!child) return;
    this.processes.delete(node);
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    await child.status;
    clearTimeout(timer);
  }

  /** Starts `node` again on the data it had; resolves once it serves. */
  async restart(node: number): Promise<void> {
    this.launch(node);
    await this.awaitServing(node);
  }

  /** Every node stopped (a kill where a clean stop takes too long) and the state removed. */
  async destroy(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((n) => this.stop(n)));
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }

  /** The node leading `partition` of `topic`, from fresh metadata. */
  async leaderOf(topic: string, partition: number): Promise<number> {
    const admin = this.kafka().admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      return meta.topics[0].partitions.find((p) => p.partitionId === partition)!.leader;
    } finally {
      await admin.disconnect();
    }
  }

  /** The node that is the active controller (the KRaft quorum's leader). */
  async activeController(): Promise<number> {
    const bootstrap = NODES.filter((n) => this.running(n))
      .map((n) => `127.0.0.1:${this.clientPort(n) + 1}`).join(",");
    const text = await java(this.work(1), [
      "org.apache.kafka.tools.MetadataQuorumCommand",
      ...["--bootstrap-controller", bootstrap, "describe", "--status"],
    ]);
    const id = /^LeaderId:\s+(\d+)/m.exec(text);
    if (!id) throw new Error(`no quorum leader in: ${text}`);
    return Number(id[1]);
  }
}
