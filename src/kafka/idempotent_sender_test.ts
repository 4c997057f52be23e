import assert from "node:assert/strict";
import { ERROR, IdempotentSender } from "./idempotent_sender.ts";
import type { ProduceTransport } from "./idempotent_sender.ts";
import type { ProduceAnswer } from "./produce_request.ts";
import { batchBound, encodeBatch } from "./record_batch.ts";
import type { RecordBatch } from "./record_batch.ts";

/** What a fault hook may make of one request. */
type Fault =
  | { code: number } // answered with this error, nothing written
  | "lost" // the connection fails before the broker reads it
  | "written-then-lost"; // written, but the answer never comes

/**
 * A broker cluster as the sender sees it, with the broker's rules for idempotent producers: a
 * producer it does not know yet may start at any sequence; one it knows must go on from its
 * last sequence, else OUT_OF_ORDER_SEQUENCE_NUMBER (or DUPLICATE_SEQUENCE_NUMBER for a batch
 * it already has). Each partition's log holds the batches' ids (their timestamps).
 */
class FakeCluster implements ProduceTransport {
  leadersOf = new Map<number, number>();
  logs = new Map<number, number[]>();
  /** Per partition, per producer id: the last sequence written and the batches' first ones. */
  private state = new Map<number, Map<bigint, { last: number; firsts: Set<number> }>>();
  private nextProducerId = 1000n;
  inFlight = new Map<number, number>();
  maxInFlight = 0;
  calls = 0;
  refreshes = 0;
  fault: (call: number, node: number, partition: number) => Fault | null = () => null;

  connect(): Promise<void> {
    return Promise.resolve();
  }

  leaders(refresh: boolean): Promise<Map<number, number>> {
    if (refresh) this.refreshes++;
    return Promise.resolve(new Map(this.leadersOf));
  }

  initProducerId() {
    return Promise.resolve({ producerId: this.nextProducerId++, epoch: 0 });
  }

  /** Producer ids whose state `partition` lost: their batches get UNKNOWN_PRODUCER_ID. */
  private lost = new Map<number, Set<bigint>>();

  /** Forgets every producer of `partition` (as a broker whose producer state expired). */
  forgetProducers(partition: number): void {
    this.lost.set(partition, new Set(this.state.get(partition)?.keys()));
    this.state.delete(partition);
  }

  produce(node: number, partition: number, batch: Uint8Array): Promise<ProduceAnswer> {
    const call = this.calls++;
    const n = (this.inFlight.get(node) ?? 0) + 1;
    this.inFlight.set(node, n);
    this.maxInFlight = Math.max(this.maxInFlight, n);
    const view = new DataView(batch.buffer, batch.byteOffset);
    const id = Number(view.getBigInt64(27));
    const pid = view.getBigInt64(43);
    const first = view.getInt32(53);
    const count = view.getInt32(57);
    const fault = this.fault(call, node, partition);
    let code: number = ERROR.NONE;
    if (fault !== "lost") {
      if (typeof fault === "object" && fault) code = fault.code;
      else if (this.leadersOf.get(partition) !== node) code = ERROR.NOT_LEADER_OR_FOLLOWER;
      else code = this.append(partition, pid, first, count, id);
    }
    return new Promise((resolve, reject) =>
      setTimeout(() => {
        this.inFlight.set(node, this.inFlight.get(node)! - 1);
        if (fault === "lost" || fault === "written-then-lost") {
          reject(new Error("Closed connection"));
        } else resolve({ errorCode: code, baseOffset: 0n, logStartOffset: 0n });
      }, 1)
    );
  }

  private append(partition: number, pid: bigint, first: number, count: number, id: number) {
    if (this.lost.get(partition)?.has(pid)) return ERROR.UNKNOWN_PRODUCER_ID;
    let producers = this.state.get(partition);
    if (!producers) this.state.set(partition, producers = new Map());
    const known = producers.get(pid);
    if (known && first !== known.last + 1) {
      return known.firsts.has(first)
        ? ERROR.DUPLICATE_SEQUENCE_NUMBER
        : ERROR.OUT_OF_ORDER_SEQUENCE_NUMBER;
    }
    const entry = known ?? { last: 0, firsts: new Set<number>() };
    entry.last = first + count - 1;
    entry.firsts.add(first);
    producers.set(pid, entry);
    const log = this.logs.get(partition) ?? [];
    log.push(id);
    this.logs.set(partition, log);
    return ERROR.NONE;
  }
}

/** Batch `id` (its timestamp) of `records` records. */
function batch(id: number, records = 3): RecordBatch {
  const bytes = new Uint8Array(records).fill(id & 0xff); // any bytes: the fake never reads them
  return encodeBatch(bytes, records, id, new Uint8Array(batchBound(bytes.length)));
}

function setup(timeoutMs = 10_000) {
  const cluster = new FakeCluster();
  cluster.leadersOf = new Map([[0, 1], [1, 2], [2, 1]]);
  const sender = new IdempotentSender(cluster, {
    maxInFlightPerBroker: 5,
    timeoutMs,
    backoffMs: 1,
    maxBackoffMs: 4,
  });
  return { cluster, sender };
}

/** Sends batches 1..n round-robin over partitions 0-2; resolves with each one's outcome. */
function sendAll(sender: IdempotentSender, n: number) {
  const outcomes: Promise<string>[] = [];
  const expected = new Map<number, number[]>([[0, []], [1, []], [2, []]]);
  for (let id = 1; id <= n; id++) {
    const partition = id % 3;
    expected.get(partition)!.push(id);
    outcomes.push(sender.send(partition, batch(id)).then(() => "ok", (e: Error) => e.message));
  }
  return { outcomes: Promise.all(outcomes), expected };
}

Deno.test("batches land once each, in order, at most 5 requests in flight per broker", async () => {
  const { cluster, sender } = setup();
  await sender.start();
  const { outcomes, expected } = sendAll(sender, 60);
  assert.ok((await outcomes).every((o) => o === "ok"));
  assert.deepEqual(cluster.logs, expected);
  assert.equal(cluster.maxInFlight, 5);
  assert.equal(cluster.calls, 60);
});

Deno.test("a leader that moves: NOT_LEADER_OR_FOLLOWER, new metadata, resent in order to the new one", async () => {
  const { cluster, sender } = setup();
  await sender.start();
  cluster.fault = (call) => {
    if (call === 10) cluster.leadersOf.set(0, 2);
    return null;
  };
  const { outcomes, expected } = sendAll(sender, 60);
  assert.ok((await outcomes).every((o) => o === "ok"));
  assert.deepEqual(cluster.logs, expected);
  assert.ok(cluster.refreshes >= 1);
});

Deno.test("connections lost before and after the broker wrote: resent in order, duplicates acknowledged, none written twice", async () => {
  const { cluster, sender } = setup();
  await sender.start();
  cluster.fault = (call) => call % 7 === 3 ? "written-then-lost" : call % 11 === 5 ? "lost" : null;
  const { outcomes, expected } = sendAll(sender, 60);
  assert.ok((await outcomes).every((o) => o === "ok"));
  assert.deepEqual(cluster.logs, expected);
});

Deno.test("NOT_ENOUGH_REPLICAS for a while, then acknowledged", async () => {
  const { cluster, sender } = setup();
  await sender.start();
  cluster.fault = (call) => call >= 5 && call < 40 ? { code: ERROR.NOT_ENOUGH_REPLICAS } : null;
  const { outcomes, expected } = sendAll(sender, 30);
  assert.ok((await outcomes).every((o) => o === "ok"));
  assert.deepEqual(cluster.logs, expected);
});

Deno.test("a broker that lost our sequence: the epoch is bumped, sequences start again from 0, nothing lost or doubled", async () => {
  const { cluster, sender } = setup();
  await sender.start();
  cluster.fault = (call, _node, partition) => {
    if (call === 20) cluster.forgetProducers(partition);
    return null;
  };
  const { outcomes, expected } = sendAll(sender, 60);
  assert.ok((await outcomes).every((o) => o === "ok"));
  assert.deepEqual(cluster.logs, expected);
  assert.equal(sender.bumps, 1);
});

Deno.test("OUT_OF_ORDER_SEQUENCE_NUMBER behind a failed batch is resent with it, without a bump", async () => {
  const { cluster, sender } = setup();
  await sender.start();
  // The first request fails: the four behind it on the same broker are out of order.
  cluster.fault = (call) => call === 0 ? { code: ERROR.NOT_ENOUGH_REPLICAS } : null;
  const { outcomes, expected } = sendAll(sender, 15);
  assert.ok((await outcomes).every((o) => o === "ok"));
  assert.deepEqual(cluster.logs, expected);
  assert.equal(sender.bumps, 0);
});

Deno.test("no acknowledgement within the timeout: every batch fails, naming the reason, and later ones at once", async () => {
  const { cluster, sender } = setup(50);
  await sender.start();
  cluster.fault = () => ({ code: ERROR.NOT_ENOUGH_REPLICAS });
  const { outcomes } = sendAll(sender, 12);
  for (const o of await outcomes) {
    assert.equal(o, "no acknowledgement within 0.05 s (NOT_ENOUGH_REPLICAS)");
  }
  await assert.rejects(sender.send(0, batch(99)), /no acknowledgement within 0.05 s/);
  assert.equal(cluster.logs.size, 0);
});

Deno.test("INVALID_PRODUCER_EPOCH is fatal: the batches fail with it", async () => {
  const { cluster, sender } = setup();
  await sender.start();
  cluster.fault = (call) => call === 2 ? { code: ERROR.INVALID_PRODUCER_EPOCH } : null;
  const { outcomes } = sendAll(sender, 3);
  assert.deepEqual(await outcomes, ["ok", "ok", "partition 0: INVALID_PRODUCER_EPOCH"]);
});
