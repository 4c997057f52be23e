/** Chunks handed to another thread through shared slots: same files, and no slot left busy. */
import assert from "node:assert/strict";
import { runConfigFromArgs } from "../src/cli/run_options.ts";
import { HEADER_SIZE, VERSION_MAJOR, VERSION_MINOR } from "../src/format/header.ts";
import type { FileHeader } from "../src/format/header.ts";
import { RECORD_SIZE } from "../src/format/record.ts";
import { runSecurity } from "../src/run/security_run.ts";
import { StopFlag } from "../src/run/stop.ts";
import {
  ChoosingChunkTarget,
  ChunkWriterHost,
  LocalChunkTarget,
  RemoteChunkTarget,
} from "../src/sinks/chunk_target.ts";
import type { ChunkMessage, ChunkSlots } from "../src/sinks/chunk_target.ts";
import { FileSink } from "../src/sinks/file_sink.ts";
import { qrsdpFiles, tempDir } from "./helpers.ts";

// Small chunks, so that a day goes round the slots many times.
const CHUNK = 50;

async function generate(dir: string, sink: FileSink): Promise<void> {
  const cfg = await runConfigFromArgs(
    [
      "--seed",
      "5",
      "--days",
      "2",
      "--seconds",
      "200",
      "--chunk-size",
      String(CHUNK),
      "--output",
      dir,
    ],
  );
  await runSecurity(cfg, 0, sink, new StopFlag());
  await sink.close();
}

Deno.test("a file sink writing through shared slots writes the same files as one writing itself", async () => {
  const local = tempDir("local");
  await generate(local, new FileSink(local));
  const remote = tempDir("remote");
  const host = new ChunkWriterHost();
  // The host runs in this thread here: each slot is written and freed before the next is needed.
  const target = new RemoteChunkTarget((m) => host.handle(m), "t", CHUNK * RECORD_SIZE);
  await generate(remote, new FileSink(remote, target));
  const files = qrsdpFiles(local);
  assert.equal(files.length, 2);
  assert.deepEqual(qrsdpFiles(remote), files);
  for (const f of files) {
    const a = Deno.readFileSync(`${local}/${f}`), b = Deno.readFileSync(`${remote}/${f}`);
    assert.ok(a.length > HEADER_SIZE + 10 * CHUNK);
    assert.equal(b.length, a.length, f);
    assert.equal(b.findIndex((x, i) => x !== a[i]), -1, `${f}: first different byte`);
  }
});

Deno.test("a file sink choosing, file by file, to write itself or hand its chunks over writes the same files", async () => {
  const local = tempDir("local");
  await generate(local, new FileSink(local));
  const chosen = tempDir("chosen");
  const handled: string[] = [];
  const host = new ChunkWriterHost();
  const away = new RemoteChunkTarget(
    (m) => {
      handled.push(m.kind);
      host.handle(m);
    },
    "t",
    CHUNK * RECORD_SIZE,
  );
  const target = new ChoosingChunkTarget(new LocalChunkTarget(), away);
  const sink = new FileSink(chosen, target);
  // The first day written here, the second handed over.
  const cfg = await runConfigFromArgs(
    ["--seed", "5", "--days", "2", "--seconds", "200", "--chunk-size", String(CHUNK)],
  );
  await runSecurity(cfg, 0, {
    beginSession: (s) => {
      target.away = s.date !== "2026-01-02";
      return sink.beginSession(s);
    },
    append: (r) => sink.append(r),
    endSession: () => sink.endSession(),
    flush: () => sink.flush(),
  }, new StopFlag());
  await sink.close();
  assert.equal(handled.filter((k) => k === "open").length, 1, "one file handed over");
  assert.ok(handled.filter((k) => k === "chunk").length > 10);
  const files = qrsdpFiles(local);
  assert.deepEqual(qrsdpFiles(chosen), files);
  for (const f of files) {
    assert.deepEqual(Deno.readFileSync(`${chosen}/${f}`), Deno.readFileSync(`${local}/${f}`), f);
  }
});

Deno.test("a file the host cannot create: reported once, and every slot of it is still freed", () => {
  const slots: ChunkSlots = {
    data: new SharedArrayBuffer(2 * RECORD_SIZE),
    busy: new SharedArrayBuffer(2 * 4),
    slotBytes: RECORD_SIZE,
  };
  const busy = new Int32Array(slots.busy);
  const header: FileHeader = {
    versionMajor: VERSION_MAJOR,
    versionMinor: VERSION_MINOR,
    recordSize: RECORD_SIZE,
    seed: 1n,
    p0Ticks: 10000,
    tickSize: 1,
    sessionSeconds: 60,
    levelsPerSide: 5,
    initialSpreadTicks: 2,
    initialDepth: 5,
    chunkCapacity: 1,
    headerFlags: 0,
    marketOpenNs: 0,
  };
  const host = new ChunkWriterHost();
  const path = `${tempDir("missing")}/no/such/dir/x.qrsdp`;
  assert.throws(
    () => host.handle({ kind: "open", id: "x", path, header, slots }),
    new RegExp(`^Error: ${path}: cannot create`),
  );
  for (let i = 0; i < 4; i++) {
    const slot = i % 2;
    busy[slot] = 1;
    const chunk: ChunkMessage = { kind: "chunk", id: "x", slot, count: 1, first: 0, last: 0 };
    host.handle(chunk);
    assert.equal(busy[slot], 0, `slot ${slot} after chunk ${i}`);
  }
  host.handle({ kind: "close", id: "x" });
});
