import assert from "node:assert/strict";
import type { EventRecord } from "../core/events.ts";
import { EventProducer } from "./producer.ts";
import type { ProducerOptions } from "./producer.ts";

/** Stands in for the idempotent sender: records each batch, settles it when told. */
class FakeSender {
  sends: { messages: number; partition: number; settle: (error?: Error) => void }[] = [];
  send(partition: number, _records: Uint8Array, messages: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sends.push({
        messages,
        partition,
        settle: (error) => error ? reject(error) : resolve(),
      });
    });
  }
}

const event = (i: number): EventRecord => ({
  tsNs: i,
  type: 0,
  side: 0,
  priceTicks: 100,
  qty: 1,
  orderId: i,
});
const bytes = (s: string) => new TextEncoder().encode(s);
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function producer(options: Partial<ProducerOptions> = {}) {
  const fake = new FakeSender();
  const events = new EventProducer(
    fake,
    (key) => key[0] % 3,
    {
      recordsPerMessage: 4,
      batchBytes: 1 << 20,
      batchMessages: 1000,
      maxInFlight: 1_000_000,
      batchesAhead: 1_000,
      lingerMs: 10,
      ...options,
    },
  );
  return { fake, events };
}

Deno.test("a partly filled message leaves after the linger time, without a flush", async () => {
  const { fake, events } = producer({ lingerMs: 10 });
  events.setFrame(bytes("A"), "date", "2026-01-02");
  for (let i = 0; i < 6; i++) events.append(event(i));
  assert.equal(fake.sends.length, 0);
  for (let waited = 0; fake.sends.length === 0 && waited < 5000; waited += 5) await tick(5);
  assert.deepEqual(fake.sends.map((s) => s.messages), [2]); // 4 + 2 records
  fake.sends[0].settle();
  await events.flush();
  events.close();
  assert.deepEqual(events.countsOf(bytes("A")), {
    events: 6,
    acknowledgedEvents: 6,
    failedEvents: 0,
    messages: 2,
    acknowledgedMessages: 2,
  });
});

Deno.test("batches go to the sender as sealed; a failed one counts its events as failed; counts per key", async () => {
  const { fake, events } = producer({ batchMessages: 2, lingerMs: 60_000 });
  events.setFrame(bytes("A"), "date", "2026-01-02");
  for (let i = 0; i < 20; i++) events.append(event(i)); // 5 messages: 2 full batches and 1 open
  events.setFrame(bytes("B"), "date", "2026-01-02"); // another key: the batch in hand is sealed
  for (let i = 0; i < 3; i++) events.append(event(i));
  const flushed = events.flush();
  assert.equal(fake.sends.length, 4);
  fake.sends[0].settle();
  fake.sends[1].settle(new Error("broker gone"));
  fake.sends[2].settle();
  await tick();
  assert.deepEqual(fake.sends.map((s) => [s.messages, s.partition]), [
    [2, 65 % 3],
    [2, 65 % 3],
    [1, 65 % 3],
    [1, 66 % 3],
  ]);
  fake.sends[3].settle();
  await flushed;
  events.close();
  assert.equal(events.firstError, "broker gone");
  assert.deepEqual(events.counts, {
    events: 23,
    acknowledgedEvents: 15,
    failedEvents: 8,
    messages: 6,
    acknowledgedMessages: 4,
  });
  assert.deepEqual(events.countsOf(bytes("B")).acknowledgedEvents, 3);
});

/** Appends events 0-7 of key A: the first seven are taken at once, the eighth is held back. */
function appendEightHeld(events: ReturnType<typeof producer>["events"]): { released: boolean } {
  events.setFrame(bytes("A"), "date", "2026-01-02");
  for (let i = 0; i < 7; i++) assert.equal(events.append(event(i)), undefined);
  const held = events.append(event(7));
  assert.ok(held instanceof Promise);
  const state = { released: false };
  held.then(() => state.released = true);
  return state;
}

Deno.test("append holds the caller back while maxInFlight events await acknowledgement", async () => {
  const { fake, events } = producer({ maxInFlight: 8, lingerMs: 60_000 });
  const state = appendEightHeld(events);
  await tick();
  assert.equal(state.released, false);
  assert.equal(fake.sends[0].messages, 2); // the open message was closed and sent
  fake.sends[0].settle();
  await tick();
  assert.equal(state.released, true);
  await events.flush();
  events.close();
});

Deno.test("append holds the caller back while batchesAhead batches await acknowledgement", async () => {
  const { fake, events } = producer({ batchMessages: 1, batchesAhead: 2, lingerMs: 60_000 });
  // The 8th event fills a second message: two batches await acknowledgement.
  const state = appendEightHeld(events);
  await tick();
  assert.equal(state.released, false);
  assert.equal(fake.sends.length, 2);
  fake.sends[0].settle(); // room for the next
  await tick();
  assert.equal(state.released, true);
  fake.sends[1].settle();
  await events.flush();
  events.close();
  assert.equal(events.counts.acknowledgedEvents, 8);
});
