import assert from "node:assert/strict";
import { compressBound, Lz4BlockCompressor } from "./lz4_block.ts";
import { Lz4BlockDecoder } from "./lz4_decoder.ts";
import { decodeRecord, encodeRecord, RECORD_SIZE } from "./record.ts";

/** A day's worth of plausible records: rising timestamps, prices near 10000, growing ids. */
function records(n: number): Uint8Array {
  const raw = new Uint8Array(n * RECORD_SIZE);
  const view = new DataView(raw.buffer);
  let ts = 34_200_000_000_000;
  for (let i = 0; i < n; i++) {
    ts += (i * 7919) % 50_000;
    encodeRecord(
      {
        tsNs: ts,
        type: i % 6,
        side: i % 3,
        priceTicks: 10_000 + ((i * 31) % 17) - 8,
        qty: 1 + (i % 9),
        orderId: 1_000_000 + i,
      },
      view,
      i * RECORD_SIZE,
    );
  }
  return raw;
}

function compress(raw: Uint8Array): Uint8Array {
  const dst = new Uint8Array(compressBound(raw.length));
  return dst.slice(0, new Lz4BlockCompressor().compress(raw, raw.length, dst));
}

function decode(d: Lz4BlockDecoder, block: Uint8Array, outputBytes: number): number {
  d.reserve(block.length, outputBytes);
  d.input.set(block);
  return d.decode(0, block.length, outputBytes);
}

const inputs: Uint8Array[] = [records(4096), records(1), records(3)];
for (let n = 0; n <= 40; n++) inputs.push(Uint8Array.from({ length: n }, (_, i) => i % 3));
for (const period of [1, 2, 7, 8, 9, 15, 16, 17, 26]) {
  inputs.push(Uint8Array.from({ length: 5000 }, (_, i) => (i % period) * 37));
}
/** Short matches at short distances, as overlapping copies decode them. */
function shortRepeats(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16;
  let i = 0;
  while (i < n) {
    for (let k = 1 + next() % 3; k > 0 && i < n; k--) out[i++] = next() & 0xff;
    const offset = 1 + next() % 20;
    for (let k = 4 + next() % 12; k > 0 && i < n; k--, i++) {
      out[i] = i >= offset ? out[i - offset] : 0;
    }
  }
  return out;
}
for (let seed = 1; seed <= 20; seed++) inputs.push(shortRepeats(3000, seed));
const noise = new Uint8Array(70_000);
crypto.getRandomValues(noise.subarray(0, 65536));
crypto.getRandomValues(noise.subarray(65536));
inputs.push(noise);

Deno.test("the decoder gives back every block the compressor makes", () => {
  const d = new Lz4BlockDecoder();
  inputs.forEach((raw, i) => {
    const n = decode(d, compress(raw), raw.length);
    assert.equal(n, raw.length, `input ${i}`);
    assert.deepEqual(d.output.subarray(0, n), raw, `input ${i}`);
  });
});

Deno.test("columns hold the fields of each record", () => {
  const raw = records(1000);
  const d = new Lz4BlockDecoder();
  decode(d, compress(raw), raw.length);
  const c = d.split(1000);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < 1000; i++) {
    const r = decodeRecord(view, i * RECORD_SIZE);
    assert.deepEqual(
      [c.tsNs[i], c.type[i], c.side[i], c.priceTicks[i], c.qty[i], c.orderId[i]],
      [r.tsNs, r.type, r.side, r.priceTicks, r.qty, r.orderId],
      `record ${i}`,
    );
  }
});

/**
 * Decodes `block` and checks that nothing outside the output was written: the result is the
 * decoded size or a negative error.
 */
function decodeGuarded(d: Lz4BlockDecoder, block: Uint8Array, outputBytes: number): number {
  d.reserve(block.length, outputBytes);
  d.input.set(block);
  const memory = new Uint32Array(d.input.buffer);
  const before = memory.slice();
  const n = d.decode(0, block.length, outputBytes);
  const from = d.output.byteOffset >> 2, to = (d.output.byteOffset + outputBytes + 3) >> 2;
  for (let i = 0; i < memory.length; i++) {
    if ((i < from || i >= to) && memory[i] !== before[i]) {
      assert.fail(`byte ${i * 4} outside the output was written`);
    }
  }
  assert.ok(n <= outputBytes);
  return n;
}

Deno.test("a truncated block never decodes whole, and writes nothing outside the output", () => {
  const raw = records(300);
  const block = compress(raw);
  const d = new Lz4BlockDecoder();
  for (let cut = 0; cut < block.length; cut++) {
    // A cut right after a sequence's literals is a well-formed shorter block.
    const n = decodeGuarded(d, block.subarray(0, cut), raw.length);
    assert.ok(n < raw.length, `cut at ${cut}: decoded ${n}`);
    if (n < 0) assert.ok(-1 - n <= cut, `cut at ${cut}: error at byte ${-1 - n}`);
  }
});

Deno.test("an output too small is an error, never an overflow", () => {
  const raw = records(300);
  const block = compress(raw);
  const d = new Lz4BlockDecoder();
  for (let short = 1; short < 200; short += 3) {
    assert.ok(decodeGuarded(d, block, raw.length - short) < 0, `${short} bytes short`);
  }
});

Deno.test("corrupt blocks decode to something or fail, and never write outside the output", () => {
  const raw = records(400);
  const block = compress(raw);
  const d = new Lz4BlockDecoder();
  let failed = 0;
  for (let trial = 0; trial < 600; trial++) {
    const bad = block.slice();
    const flips = 1 + (trial % 5);
    for (let f = 0; f < flips; f++) {
      bad[(trial * 7919 + f * 104729) % bad.length] = (trial * 31 + f * 17) & 0xff;
    }
    if (decodeGuarded(d, bad, raw.length) !== raw.length) failed++;
  }
  const garbage = new Uint8Array(3000);
  for (let trial = 0; trial < 200; trial++) {
    crypto.getRandomValues(garbage);
    decodeGuarded(d, garbage, raw.length);
  }
  assert.ok(failed > 0);
});
