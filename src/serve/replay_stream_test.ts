import assert from "node:assert/strict";
import { newRecord } from "../core/events.ts";
import { encodeRecord, RECORD_SIZE } from "../format/record.ts";
import { QrsdpWriter } from "../format/writer.ts";
import { buildManifest, writeManifest } from "../format/manifest.ts";
import { Session } from "../model/session.ts";
import { SIMPLE_DEFAULTS, SimpleImbalanceModel } from "../model/simple.ts";
import { Book } from "../book/book.ts";
import { LogReader } from "../format/log_reader.ts";
import { Catalog } from "./catalog.ts";
import { MAX_BACKLOG_BYTES, ReplayStream } from "./replay_stream.ts";

const SECONDS = 300;
const OPEN_NS = 34_200e9;

/** A one-day run of one unnamed security; returns the generator's final book. */
function writeRun(dir: string) {
  Deno.mkdirSync(dir, { recursive: true });
  const session = new Session({
    seed: 11n,
    p0Ticks: 10000,
    levelsPerSide: 5,
    initialSpreadTicks: 2,
    initialDepth: 5,
    sessionSeconds: SECONDS,
    marketOpenNs: OPEN_NS,
    thetaReinit: 0,
    reinitDepthMean: 10,
  }, new SimpleImbalanceModel(SIMPLE_DEFAULTS));
  const writer = QrsdpWriter.create(`${dir}/2026-01-02.qrsdp`, {
    versionMajor: 1,
    versionMinor: 0,
    recordSize: RECORD_SIZE,
    seed: 11n,
    p0Ticks: 10000,
    tickSize: 100,
    sessionSeconds: SECONDS,
    levelsPerSide: 5,
    initialSpreadTicks: 2,
    initialDepth: 5,
    chunkCapacity: 4096,
    headerFlags: 0,
    marketOpenNs: OPEN_NS,
  });
  const raw = new Uint8Array(4096 * RECORD_SIZE);
  const view = new DataView(raw.buffer);
  const rec = newRecord();
  let n = 0, first = 0, total = 0;
  const flush = () => {
    writer.writeChunk(raw, n, first, rec.tsNs);
    n = 0;
  };
  while (session.next(rec)) {
    if (n === 0) first = rec.tsNs;
    encodeRecord(rec, view, n * RECORD_SIZE);
    total++;
    if (++n === 4096) flush();
  }
  if (n) flush();
  writer.close();
  writeManifest(
    dir,
    buildManifest({
      baseSeed: 11n,
      sessionSeconds: SECONDS,
      tickSize: 100,
      levelsPerSide: 5,
      initialSpreadTicks: 2,
      initialDepth: 5,
      thetaReinit: 0,
    }, [{
      symbol: null,
      p0Ticks: 10000,
      sessions: [{ date: "2026-01-02", seed: 11n, file: "2026-01-02.qrsdp" }],
    }]),
  );
  const b = session.book;
  return {
    total,
    bids: Array.from(b.bidPrice, (p, k) => [p, b.bidDepth[k]]),
    asks: Array.from(b.askPrice, (p, k) => [p, b.askDepth[k]]),
  };
}

type Message = Record<string, unknown> & { type: string };

Deno.test("a replay rebuilds the generator's book and ends with every event counted", async () => {
  const data = Deno.makeTempDirSync();
  const expected = writeRun(`${data}/r`);
  const messages: Message[] = [];
  const stream = new ReplayStream(new Catalog(data), "r", { speed: 1000, live: false }, {
    send: (m) => messages.push(m as Message),
    backlog: () => 0,
  });
  await stream.run();
  assert.deepEqual(messages.slice(0, 2).map((m) => m.type), ["hello", "day"]);
  assert.equal(messages[messages.length - 1].type, "end");
  const ticks = messages.filter((m) => m.type === "tick") as unknown as {
    t: number;
    securities: { bid: number; ask: number; events: number }[];
    focus: { bids: number[][]; asks: number[][]; events: number[][] };
  }[];
  assert.ok(ticks.length >= 2);
  for (const t of ticks) {
    assert.ok(t.securities[0].bid < t.securities[0].ask);
    assert.equal(t.focus.bids.length, 5);
    assert.ok(t.focus.events.length <= 40);
  }
  assert.ok(ticks.every((t, i) => i === 0 || t.t > ticks[i - 1].t), "time moves forward");
  const last = ticks[ticks.length - 1];
  assert.equal(last.t, OPEN_NS + SECONDS * 1e9);
  assert.equal(last.securities[0].events, expected.total);
  assert.deepEqual(last.focus.bids, expected.bids);
  assert.deepEqual(last.focus.asks, expected.asks);
  Deno.removeSync(data, { recursive: true });
});

Deno.test("a replay drops snapshots, rather than queueing them, behind a full socket", async () => {
  const data = Deno.makeTempDirSync();
  writeRun(`${data}/r`);
  const messages: Message[] = [];
  const stream = new ReplayStream(new Catalog(data), "r", { speed: 100_000, live: false }, {
    send: (m) => messages.push(m as Message),
    backlog: () => MAX_BACKLOG_BYTES + 1,
  });
  await stream.run();
  assert.equal(messages.filter((m) => m.type === "tick").length, 0);
  const end = messages[messages.length - 1];
  assert.equal(end.type, "end");
  assert.ok((end.dropped as number) > 0);
  Deno.removeSync(data, { recursive: true });
});

Deno.test("a replay carries every change of the best quote and every trade of the security in view", async () => {
  const data = Deno.makeTempDirSync();
  writeRun(`${data}/r`);
  const messages: Message[] = [];
  const stream = new ReplayStream(new Catalog(data), "r", { speed: 1000, live: false }, {
    send: (m) => messages.push(m as Message),
    backlog: () => 0,
  });
  await stream.run();
  const ticks = messages.filter((m) => m.type === "tick") as unknown as {
    focus: { quotes: number[][]; trades: number[][]; tradeCount: number; volume: number };
  }[];
  // The same, from the file's records through a book of our own.
  const expected: number[][] = [];
  let trades = 0, volume = 0;
  const book = new Book(5, 5);
  book.seed(10000, 2);
  const reader = LogReader.open(`${data}/r/2026-01-02.qrsdp`);
  reader.forEach((r) => {
    const bid = book.bidPrice[0], ask = book.askPrice[0];
    book.apply(r.type, r.priceTicks, r.qty);
    if (expected.length === 0 || book.bidPrice[0] !== bid || book.askPrice[0] !== ask) {
      expected.push([r.tsNs, book.bidPrice[0], book.askPrice[0]]);
    }
    if (r.type >= 4) {
      trades++;
      volume += r.qty;
    }
  });
  reader.close();
  assert.ok(expected.length > 1000, String(expected.length));
  assert.deepEqual(ticks.flatMap((t) => t.focus.quotes), expected);
  assert.equal(ticks.reduce((n, t) => n + t.focus.tradeCount, 0), trades);
  assert.equal(ticks.reduce((n, t) => n + t.focus.volume, 0), volume);
  assert.ok(
    ticks.every((t) => t.focus.trades.length <= 50 && t.focus.trades.length <= t.focus.tradeCount),
  );
  Deno.removeSync(data, { recursive: true });
});
