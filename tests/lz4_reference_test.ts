/**
 * Our LZ4 block and frame compressors, and our block decoder, against the reference library
 * (liblz4, through Python's lz4 package in the tests' venv): what ClickHouse, Kafka brokers and
 * the C++ producer decode and write.
 */
import assert from "node:assert/strict";
import { compressBound, Lz4BlockCompressor } from "../src/format/lz4_block.ts";
import { compressFrame } from "../src/format/lz4_frame.ts";
import { Lz4BlockDecoder } from "../src/format/lz4_decoder.ts";
import { QrsdpReader } from "../src/format/reader.ts";
import { ensureChdb } from "./clickhouse/server.ts";
import { qrsdpFiles, runCli, tempDir } from "./helpers.ts";

const PYTHON = new URL("./clickhouse/.venv/bin/python", import.meta.url).pathname;

/** Decodes every DIR/i.lz4 with liblz4 and compares it with DIR/i.raw; prints one line each. */
const CHECK = `
import lz4.block, lz4.frame, sys, os
d, kind, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(n):
    raw = open(f"{d}/{i}.raw", "rb").read()
    packed = open(f"{d}/{i}.lz4", "rb").read()
    try:
        out = lz4.block.decompress(packed, uncompressed_size=len(raw)) if kind == "block" \\
            else lz4.frame.decompress(packed)
        print("ok" if out == raw else f"differs ({len(out)} of {len(raw)} bytes)")
    except Exception as e:
        print(f"error: {e}")
`;

async function referenceDecodes(kind: "block" | "frame", inputs: Uint8Array[]): Promise<string[]> {
  await ensureChdb();
  const dir = tempDir("lz4ref");
  const block = new Lz4BlockCompressor();
  inputs.forEach((raw, i) => {
    let packed: Uint8Array;
    if (kind === "frame") packed = compressFrame(raw);
    else {
      const dst = new Uint8Array(compressBound(raw.length));
      packed = dst.subarray(0, block.compress(raw, raw.length, dst));
    }
    Deno.writeFileSync(`${dir}/${i}.raw`, raw);
    Deno.writeFileSync(`${dir}/${i}.lz4`, packed);
  });
  const out = await new Deno.Command(PYTHON, {
    args: ["-c", CHECK, dir, kind, String(inputs.length)],
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim().split("\n");
}

/** Inputs that exercise the format's edges, and real chunks of records. */
async function inputs(): Promise<Uint8Array[]> {
  const list: Uint8Array[] = [];
  for (let n = 0; n <= 40; n++) list.push(new Uint8Array(n).fill(7));
  const random = new Uint8Array(100_000);
  for (let i = 0; i < random.length; i += 65536) {
    crypto.getRandomValues(random.subarray(i, i + 65536));
  }
  list.push(random, random.subarray(0, 13));
  // Repeats that run into the last bytes: a match must not start in the last 12 bytes of a block.
  for (const period of [1, 3, 8, 26]) {
    for (const n of [13, 16, 17, 25, 64, 300]) {
      list.push(Uint8Array.from({ length: n }, (_, i) => i % period));
    }
  }
  // Over 64 KiB of one pattern: offsets at the 65535 limit.
  list.push(Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31) % 65537 & 0xff));
  const dir = tempDir("lz4run");
  const res = await runCli(["run", "--seconds", "300", "--chunk-size", "3000", "--output", dir]);
  assert.equal(res.code, 0, res.stderr);
  for (const f of qrsdpFiles(dir)) {
    const reader = QrsdpReader.open(`${dir}/${f}`);
    for (let c = 0; c < reader.chunks.length; c++) list.push(reader.chunkRecords(c));
  }
  return list;
}

Deno.test("liblz4 decodes every block we compress to the bytes we compressed", async () => {
  const all = await inputs();
  const results = await referenceDecodes("block", all);
  assert.equal(results.length, all.length);
  results.forEach((r, i) => assert.equal(r, "ok", `input ${i} (${all[i].length} bytes): ${r}`));
});

Deno.test("liblz4 decodes every LZ4 frame we build for Kafka", async () => {
  const all = await inputs();
  const results = await referenceDecodes("frame", all);
  results.forEach((r, i) => assert.equal(r, "ok", `input ${i} (${all[i].length} bytes): ${r}`));
});

/** Compresses every DIR/i.raw with liblz4 in each mode into DIR/i.MODE.lz4. */
const COMPRESS = `
import lz4.block, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    raw = open(f"{d}/{i}.raw", "rb").read()
    for mode, kw in [("fast", {"mode": "fast", "acceleration": 1}),
                     ("fast9", {"mode": "fast", "acceleration": 9}),
                     ("hc", {"mode": "high_compression", "compression": 12})]:
        open(f"{d}/{i}.{mode}.lz4", "wb").write(lz4.block.compress(raw, store_size=False, **kw))
`;

Deno.test("our decoder reads every block liblz4 compresses, in its fast and high modes", async () => {
  await ensureChdb();
  const all = await inputs();
  const dir = tempDir("lz4dec");
  all.forEach((raw, i) => Deno.writeFileSync(`${dir}/${i}.raw`, raw));
  const out = await new Deno.Command(PYTHON, { args: ["-c", COMPRESS, dir, String(all.length)] })
    .output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const decoder = new Lz4BlockDecoder();
  for (const mode of ["fast", "fast9", "hc"]) {
    all.forEach((raw, i) => {
      const block = Deno.readFileSync(`${dir}/${i}.${mode}.lz4`);
      decoder.reserve(block.length, raw.length);
      decoder.input.set(block);
      const n = decoder.decode(0, block.length, raw.length);
      assert.equal(n, raw.length, `${mode} input ${i}: decoded ${n} of ${raw.length} bytes`);
      assert.deepEqual(decoder.output.subarray(0, n), raw, `${mode} input ${i}`);
    });
  }
});

Deno.test("one compressor gives the same block for the same input, also past its table's restart", () => {
  const input = Uint8Array.from({ length: 300 }, (_, i) => (i % 26) * 7);
  const block = new Lz4BlockCompressor();
  const dst = new Uint8Array(compressBound(input.length));
  const first = dst.slice(0, block.compress(input, input.length, dst));
  assert.ok(first.length < input.length / 2);
  // Every call moves the table's base on by more than 64 KiB: past 2^30 it restarts, and 40,000
  // calls would take it past 2^31.
  for (let i = 1; i < 40_000; i++) {
    const size = block.compress(input, input.length, dst);
    if (size !== first.length || dst.some((b, j) => j < size && b !== first[j])) {
      assert.fail(`call ${i}: ${size} bytes, not the first call's ${first.length}`);
    }
  }
});
