import assert from "node:assert/strict";
import { FaultInjector } from "./faults.ts";
import type { FaultOptions } from "./faults.ts";
import { decodeMoldPacket, encodeMoldHeader } from "./moldudp64.ts";

const NONE: FaultOptions = {
  seed: 1,
  drop: 0,
  burstLoss: 1,
  duplicate: 0,
  reorder: 0,
  reorderDepth: 3,
  delayMs: 0,
  jitterMs: 0,
};

/** Packets of one message each, sequence 1..n; returns the sequence numbers sent, in order. */
function wire(opts: FaultOptions, n: number): { sent: number[]; f: FaultInjector } {
  const f = new FaultInjector(opts);
  const sent: number[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const p = new Uint8Array(20 + 2 + 12);
    encodeMoldHeader(p, "Q20260102A", seq, 1);
    for (const o of f.pass(p)) sent.push(Number(decodeMoldPacket(o.packet)!.sequence));
  }
  for (const o of f.drain()) sent.push(Number(decodeMoldPacket(o.packet)!.sequence));
  return { sent, f };
}

Deno.test("faults: the same seed loses, repeats and reorders the same packets; another seed others", () => {
  const opts = { ...NONE, seed: 7, drop: 0.05, duplicate: 0.03, reorder: 0.04 };
  const a = wire(opts, 5000), b = wire(opts, 5000), c = wire({ ...opts, seed: 8 }, 5000);
  assert.deepEqual(a.sent, b.sent);
  assert.deepEqual(a.f.stats, b.f.stats);
  assert.notDeepEqual(a.sent, c.sent);
  const { dropped, duplicated, reordered } = a.f.stats;
  // Near the probabilities asked for (5,000 draws each).
  assert.ok(dropped > 180 && dropped < 320, `${dropped} dropped`);
  assert.ok(duplicated > 90 && duplicated < 220, `${duplicated} duplicated`);
  assert.ok(reordered > 120 && reordered < 290, `${reordered} reordered`);
  assert.equal(a.sent.length, 5000 - dropped + duplicated);
  assert.equal(new Set(a.sent).size, 5000 - dropped);
});

Deno.test("faults: a reordered packet is held back by at most the depth; bursts lose runs", () => {
  const { sent } = wire({ ...NONE, reorder: 0.1, reorderDepth: 2 }, 2000);
  let late = 0;
  sent.forEach((seq, i) => {
    // Every packet is at most 2 places from its own.
    assert.ok(Math.abs(seq - 1 - i) <= 2, `packet ${seq} sent ${i}th`);
    if (i > 0 && seq < sent[i - 1]) late++;
  });
  assert.ok(late > 0);
  const burst = wire({ ...NONE, drop: 0.01, burstLoss: 5 }, 5000);
  const have = new Set(burst.sent);
  assert.ok(burst.f.stats.dropped >= 5);
  assert.equal(have.size, 5000 - burst.f.stats.dropped);
  for (let seq = 1; seq <= 5000; seq++) {
    if (!have.has(seq) && have.has(seq - 1)) {
      for (let k = 0; k < 5 && seq + k <= 5000; k++) assert.ok(!have.has(seq + k), `${seq + k}`);
    }
  }
  assert.equal(wire(NONE, 100).sent.join(), Array.from({ length: 100 }, (_, i) => i + 1).join());
});

Deno.test("faults: --delay MS±MS delays each packet within the range, the same for the same seed", () => {
  const delays = (seed: number) => {
    const f = new FaultInjector({ ...NONE, seed, delayMs: 20, jitterMs: 5 });
    const out: number[] = [];
    for (let seq = 1; seq <= 500; seq++) {
      const p = new Uint8Array(20 + 2 + 12);
      encodeMoldHeader(p, "Q20260102A", seq, 1);
      out.push(...f.pass(p).map((o) => o.delayMs));
    }
    assert.equal(f.stats.delayed, 500);
    return out;
  };
  const a = delays(3);
  assert.ok(a.every((d) => d >= 15 && d <= 25), "within 20 ± 5 ms");
  assert.ok(Math.max(...a) - Math.min(...a) > 8, "spread over the range");
  assert.deepEqual(a, delays(3));
  assert.notDeepEqual(a, delays(4));
});
