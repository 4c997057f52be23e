/**
 * Against a three-broker cluster of the test's own (tests/kafka/cluster.ts: replication factor 3,
 * min.insync.replicas=2), in both modes at once (one event per message and 64): the partition
 * leader killed mid-run and restarted (in a paced run, and in an unpaced one), a broker stopped
 * cleanly, the controller moved. After each,
 * every event is in the topic exactly once, in order, byte for byte as in the files, and
 * produced = acknowledged = in the topic. And a run that cannot have its acknowledgements
 * (min.insync.replicas not met) exits 1 and says how many events were not acknowledged.
 */
import assert from "node:assert/strict";
import type { Kafka } from "kafkajs";
import { KafkaCluster } from "./kafka/cluster.ts";
import { readTopic } from "./kafka/broker.ts";
import {
  assertAllAcknowledged,
  assertTopicMatchesFiles,
  awaitMessages,
  runsBothWays,
  topicName,
} from "./kafka/topic_checks.ts";

/** A paced run of two securities: 10-20 s, long enough for a fault to land in its middle. */
const PACED_RUN = [
  "run",
  ...["--seed", "5", "--seconds", "3000", "--securities", "FA:1000,FB:2000"],
  ...["--realtime", "--speed", "250", "--kafka-timeout", "60", "--quiet"],
];

/**
 * An unpaced run of the same two securities, six days (2.6 M events): Kafka takes the files'
 * chunks, not each event. About a second or two here, the fault lands early in it.
 */
const UNPACED_RUN = [
  "run",
  ...["--seed", "9", "--days", "6", "--seconds", "3000", "--securities", "FA:1000,FB:2000"],
  ...["--kafka-timeout", "60", "--quiet"],
];

/**
 * Creates `topic` with its three partitions led by `leader` (the others follow), and waits until
 * every broker's metadata has them led: a broker under load answers "does not host this
 * topic-partition" for a while.
 */
async function topicLedBy(kafka: Kafka, topic: string, leader: number, configs = {}) {
  const others = [1, 2, 3].filter((n) => n !== leader);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{
        topic,
        replicaAssignment: [0, 1, 2].map((partition) => ({
          partition,
          replicas: [leader, ...(partition % 2 ? others.toReversed() : others)],
        })),
        configEntries: Object.entries(configs).map(([name, value]) => ({
          name,
          value: String(value),
        })),
      }],
      waitForLeaders: false, // kafkajs's wait gives up on "does not host": ours below does not
    });
    for (;;) {
      const led = await admin.fetchTopicMetadata({ topics: [topic] }).then(
        (meta) => meta.topics[0].partitions.every((p) => p.leader === leader),
        () => false,
      );
      if (led) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Both modes' runs into topics led by `leader`; `fault` strikes once each topic holds messages.
 * Then every event must be in its topic exactly once, as in the files.
 */
async function runThrough(
  cluster: KafkaCluster,
  leader: number,
  fault: () => Promise<void>,
  run = PACED_RUN,
): Promise<void> {
  const kafka = cluster.kafka(), topics = [topicName("lead1"), topicName("lead64")];
  for (const topic of topics) await topicLedBy(kafka, topic, leader);
  const runs = runsBothWays(run, cluster.brokers, topics);
  const ended = runs.map(() => false);
  runs.forEach((run, i) => run.child.status.then(() => ended[i] = true));
  await awaitMessages(kafka, runs.map((r) => r.topic), 1000);
  assert.deepEqual(ended, [false, false], "the fault strikes mid-run");
  await fault();
  for (const run of runs) {
    const status = await run.child.status;
    assert.equal(status.code, 0, `${run.perMessage} per message: ${await run.stderr}`);
    const produced = assertAllAcknowledged(await run.stdout, 2);
    const messages = await readTopic(run.topic, cluster.brokers);
    assertTopicMatchesFiles(messages, run.dir, run.perMessage, produced);
  }
}

Deno.test("a three-broker cluster: leader killed, broker stopped, controller moved; nothing lost or doubled; acks that cannot be had fail the run", async (t) => {
  const cluster = new KafkaCluster();
  await cluster.start();
  try {
    await t.step("the partitions' leader killed (kill -9) mid-run, then restarted", async () => {
      await runThrough(cluster, 2, async () => {
        await cluster.kill(2);
        await cluster.restart(2);
      });
      await cluster.awaitBrokers(3);
    });

    await t.step(
      "an unpaced run (Kafka fed by the files' chunks): the leader killed mid-run",
      async () => {
        await runThrough(cluster, 1, async () => {
          await cluster.kill(1);
          await cluster.restart(1);
        }, UNPACED_RUN);
        await cluster.awaitBrokers(3);
      },
    );

    await t.step("the partitions' leader stopped cleanly mid-run, then restarted", async () => {
      await runThrough(cluster, 3, async () => {
        await cluster.stop(3);
        await cluster.restart(3);
      });
      await cluster.awaitBrokers(3);
    });

    await t.step("the active controller moved (stopped, restarted) mid-run", async () => {
      const controller = await cluster.activeController();
      const leader = [1, 2, 3].find((n) => n !== controller)!;
      await runThrough(cluster, leader, async () => {
        await cluster.stop(controller);
        assert.notEqual(await cluster.activeController(), controller);
        await cluster.restart(controller);
      });
      await cluster.awaitBrokers(3);
    });

    await t.step(
      "min.insync.replicas not met for longer than --kafka-timeout: exit 1, the count named",
      async () => {
        // Three in-sync replicas required, one broker down: the leader answers NOT_ENOUGH_REPLICAS.
        const kafka = cluster.kafka(), topics = [topicName("isr1"), topicName("isr64")];
        for (const topic of topics) await topicLedBy(kafka, topic, 1, { "min.insync.replicas": 3 });
        await cluster.stop(3);
        try {
          const runs = runsBothWays(
            [
              "run",
              ...["--seed", "7", "--seconds", "300", "--kafka-timeout", "3", "--quiet"],
            ],
            cluster.brokers,
            topics,
          );
          for (const run of runs) {
            assert.equal((await run.child.status).code, 1);
            const stderr = await run.stderr;
            assert.match(
              stderr,
              /kafka DEFAULT: ([\d,]+) of \1 events not acknowledged \(no acknowledgement within 3 s \(NOT_ENOUGH_REPLICAS\)\)/,
              stderr,
            );
          }
        } finally {
          await cluster.restart(3);
        }
      },
    );
  } finally {
    await cluster.destroy();
  }
});
