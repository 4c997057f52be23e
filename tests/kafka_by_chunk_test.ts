/** Kafka fed by the file sink's chunks (unpaced runs): the same topic as event by event. */
import assert from "node:assert/strict";
import { runConfigFromArgs } from "../src/cli/run_options.ts";
import type { EventRecord } from "../src/core/events.ts";
import { QrsdpReader } from "../src/format/reader.ts";
import { messagesOf } from "../src/kafka/test_records.ts";
import { runSecurity } from "../src/run/security_run.ts";
import { StopFlag } from "../src/run/stop.ts";
import { closeRunSink, createRunSink } from "../src/sinks/factory.ts";
import type { KafkaLink } from "../src/sinks/kafka_link.ts";
import { MultiplexSink } from "../src/sinks/multiplex_sink.ts";

/** Two days of one security to the files and to a fake topic; what each holds, in order. */
async function run(kafkaByChunk: boolean, perMessage: string) {
  const dir = Deno.makeTempDirSync();
  try {
    const cfg = await runConfigFromArgs([
      ...["--seed", "3", "--days", "2", "--seconds", "900", "--securities", "AAA:1000"],
      ...["--output", dir, "--kafka-brokers", "127.0.0.1:9", "--kafka-topic", "t"],
      ...["--kafka-records-per-message", perMessage, "--chunk-size", "1000"],
    ]);
    const topic: [string, EventRecord[], string][] = [];
    const link: KafkaLink = {
      partitions: 3,
      sender: {
        send(_partition, records) {
          topic.push(...messagesOf(records));
          return Promise.resolve();
        },
      },
      close: () => Promise.resolve(),
    };
    const sink = await createRunSink(dir, cfg.kafka, {
      kafkaConnector: () => Promise.resolve(link),
      kafkaByChunk,
    }) as MultiplexSink;
    const kafka = sink.sinks[1];
    assert.equal(kafka.takesEvents, !kafkaByChunk);
    const append = kafka.append.bind(kafka);
    let appends = 0;
    kafka.append = (rec) => (appends++, append(rec));
    await runSecurity(cfg, 0, sink, new StopFlag());
    const [, report] = await closeRunSink(sink);
    const files = [...Deno.readDirSync(`${dir}/AAA`)].map((e) => e.name).sort();
    const inFiles = files.map((f) => {
      const events: EventRecord[] = [];
      QrsdpReader.open(`${dir}/AAA/${f}`).stream().forEach((r) => events.push({ ...r }));
      return [f.slice(0, 10), events] as const;
    });
    return { topic, inFiles, report, appends };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

for (const perMessage of ["64", "1"]) {
  Deno.test(`run sinks, Kafka by chunk: the topic holds the files' events, in order, none taken one by one (${perMessage} per message)`, async () => {
    const { topic, inFiles, report, appends } = await run(true, perMessage);
    assert.equal(appends, 0);
    assert.equal(inFiles.length, 2);
    const events = inFiles.flatMap(([date, events]) => events.map((e) => [date, e]));
    assert.ok(events.length > 20_000, `a real run (${events.length} events)`);
    assert.deepEqual(topic.flatMap(([, recs, date]) => recs.map((e) => [date, e])), events);
    assert.ok(topic.every(([key, recs]) => key === "AAA" && recs.length <= Number(perMessage)));
    assert.deepEqual([report.appended, report.delivered], [events.length, events.length]);
    // The same messages as a run that hands each event to Kafka.
    const oneByOne = await run(false, perMessage);
    assert.ok(oneByOne.appends >= events.length);
    assert.deepEqual(oneByOne.topic, topic);
  });
}
