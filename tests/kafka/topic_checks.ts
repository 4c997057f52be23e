/** What the Kafka tests check of a topic against the run that produced it. */
import assert from "node:assert/strict";
import type { Kafka } from "kafkajs";
import { QrsdpReader } from "../../src/format/reader.ts";
import { RECORD_SIZE } from "../../src/format/record.ts";
import { eventsOf, KAFKA_TEST_BROKERS, kafkaFlags } from "./broker.ts";
import type { ConsumedEvent, ConsumedMessage } from "./broker.ts";
import { spawnCli, tempDir } from "../helpers.ts";

interface Session {
  symbol: string;
  date: string;
  file: string;
}

function sessionsOf(dir: string): Session[] {
  const m = JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`));
  if (!m.securities) return m.sessions.map((s: Session) => ({ ...s, symbol: "DEFAULT" }));
  return m.securities.flatMap((sec: { symbol: string; sessions: Session[] }) =>
    sec.sessions.map((s) => ({ ...s, symbol: sec.symbol }))
  );
}

/** A security's counts from the summary: events and messages, produced = acknowledged. */
export interface Produced {
  events: number;
  messages: number;
}

const count = (text: string) => Number(text.replaceAll(",", ""));

/** The run's "kafka SYMBOL: ..." lines, one per security, none short of acknowledgements. */
export function assertAllAcknowledged(stdout: string, securities: number): Map<string, Produced> {
  const lines = [
    ...stdout.matchAll(
      /^kafka (\S+): ([\d,]+) events produced, ([\d,]+) acknowledged; ([\d,]+) messages sent, ([\d,]+) acknowledged$/gm,
    ),
  ];
  assert.equal(lines.length, securities, stdout);
  const out = new Map<string, Produced>();
  for (const [line, symbol, events, ackedEvents, messages, ackedMessages] of lines) {
    assert.equal(events, ackedEvents, line);
    assert.equal(messages, ackedMessages, line);
    out.set(symbol, { events: count(events), messages: count(messages) });
  }
  return out;
}

/**
 * Each symbol's events, in partition order, must be its files' records in date order, each
 * exactly once; messages hold 1 to `perMessage` records of one symbol and date. With `produced`
 * (the summary's counts) the topic holds exactly what was acknowledged.
 */
export function assertTopicMatchesFiles(
  messages: ConsumedMessage[],
  dir: string,
  perMessage = 1,
  produced?: Map<string, Produced>,
): void {
  const sessions = sessionsOf(dir);
  for (const m of messages) {
    assert.ok(m.value.length <= perMessage * RECORD_SIZE, `${m.value.length} bytes in a message`);
  }
  const events = eventsOf(messages);
  const bySymbol = new Map<string, ConsumedEvent[]>();
  for (const e of events) {
    const list = bySymbol.get(e.key);
    if (list) list.push(e);
    else bySymbol.set(e.key, [e]);
  }
  assert.deepEqual([...bySymbol.keys()].sort(), [...new Set(sessions.map((s) => s.symbol))].sort());
  let total = 0;
  for (const [symbol, evs] of bySymbol) {
    assert.equal(new Set(evs.map((m) => m.partition)).size, 1, `${symbol} stays in one partition`);
    let i = 0;
    for (const s of sessions.filter((x) => x.symbol === symbol)) {
      const reader = QrsdpReader.open(`${dir}/${s.file}`);
      for (let c = 0; c < reader.chunks.length; c++) {
        const raw = reader.chunkRecords(c);
        for (let o = 0; o < raw.length; o += RECORD_SIZE, i++) {
          const e = evs[i];
          assert.ok(e, `${symbol}: topic ends at event ${i}, the files go on`);
          assert.deepEqual(e.value, raw.subarray(o, o + RECORD_SIZE), `${symbol} event ${i}`);
          assert.equal(e.headers.date, s.date, `${symbol} event ${i}: date header`);
        }
      }
    }
    assert.equal(evs.length, i, `${symbol}: no extra events (duplicates) in the topic`);
    if (produced) {
      const messageCount = messages.filter((m) => m.key === symbol).length;
      assert.deepEqual(produced.get(symbol), { events: i, messages: messageCount }, symbol);
    }
    total += i;
  }
  assert.equal(events.length, total);
}

export const topicName = (what: string) => `test.${what}.${crypto.randomUUID().slice(0, 8)}`;

/**
 * A run to Kafka, one packed and one not, at once: their output and their topic (`topics`, one
 * per mode, when they were made beforehand).
 */
export function runsBothWays(
  flags: string[],
  brokers = KAFKA_TEST_BROKERS,
  topics = [topicName("both1"), topicName("both64")],
) {
  return [1, 64].map((perMessage, i) => {
    const dir = tempDir(`both${perMessage}`), topic = topics[i];
    const child = spawnCli([
      ...flags,
      ...kafkaFlags(topic, brokers),
      "--kafka-records-per-message",
      String(perMessage),
      "--output",
      dir,
    ]);
    const stdout = new Response(child.stdout).text(), stderr = new Response(child.stderr).text();
    return { perMessage, dir, topic, child, stdout, stderr };
  });
}

/** Waits until every topic holds at least `n` messages: the runs are under way. */
export async function awaitMessages(kafka: Kafka, topics: string[], n: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (;;) {
      const counts = await Promise.all(topics.map((topic) =>
        admin.fetchTopicOffsets(topic).then(
          (offsets) => offsets.reduce((sum, p) => sum + Number(p.high), 0),
          () => 0, // not yet known to the broker that answered
        )
      ));
      if (counts.every((c) => c >= n)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}
