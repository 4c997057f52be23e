import assert from "node:assert/strict";
import { runCli, tempDir } from "../helpers.ts";
import { BookBuilder, decodeFile } from "./decoder.ts";
import { freePort, generate, messageCount, startListener, summaryNumber } from "./udp_helpers.ts";

/** The book at the end of a day's file, as `listen --book --book-levels N` prints it. */
function fileBookLines(file: Uint8Array): string[] {
  const builder = new BookBuilder();
  const stocks = new Map<number, string>();
  for (const m of decodeFile(file)) {
    if (m.type === "R") stocks.set(m.locate, m.stock.trimEnd());
    builder.apply(m);
  }
  const price = (p: number) => (p / 10000).toFixed(4);
  const side = (levels: Map<number, number>, bid: boolean) => {
    const sorted = [...levels].sort((a, b) => bid ? b[0] - a[0] : a[0] - b[0]);
    return sorted.length ? sorted.map(([p, n]) => `${n} @ ${price(p)}`).join(", ") : "none";
  };
  return [...stocks].sort((a, b) => a[0] - b[0]).map(([locate, stock]) => {
    const l = builder.levels.get(locate)!;
    return `book ${stock}: bid ${side(l.bid, true)}, ask ${side(l.ask, false)}`;
  });
}

/** A whole default day at full speed, no flow control, into `listen --retransmit --book`. */
async function fullSpeedDay(faults: string[]) {
  const run = await generate(["--seed", "42"]);
  const out = tempDir("itch_rr_day");
  const port = await freePort(), rr = await freePort();
  const listener = await startListener([
    "--udp",
    String(port),
    "--retransmit",
    `127.0.0.1:${rr}`,
    "--quiet",
    "--book",
    "--book-levels",
    "1000",
    "--sessions",
    "1",
  ]);
  const sent = await runCli([
    "itch",
    run,
    "--output",
    out,
    "--udp",
    `127.0.0.1:${port}`,
    "--retransmit",
    `127.0.0.1:${rr}`,
    "--retransmit-linger",
    "2",
    ...faults,
  ]);
  const got = await listener.finish();
  assert.equal(sent.code, 0, sent.stderr);
  assert.equal(got.code, 0, got.stderr);
  const file = Deno.readFileSync(`${out}/20260102.qrsdp_ITCH50`);
  const messages = messageCount(file);
  assert.ok(messages > 3_000_000, `${messages} messages`);
  assert.equal(summaryNumber(got.stderr, "messages"), messages, got.stderr);
  assert.match(got.stderr, /^gaps: [\d,]+ \(0 messages missing\)$/m, got.stderr);
  assert.ok(summaryNumber(got.stderr, "recovered by re-request") > 0, got.stderr);
  assert.doesNotMatch(got.stderr, /book invalid/);
  assert.match(
    got.stderr,
    /book: 0 unknown references, 0 duplicate references, 0 negative, 0 crossed/,
  );
  const printed = got.stderr.split("\n").filter((l) => l.startsWith("book DEFAULT:"));
  assert.deepEqual(printed, fileBookLines(file));
  assert.match(sent.stdout, /re-requests: [1-9][\d,]* answered with [\d,]+ messages/);
  return { sent, got };
}

Deno.test({
  name:
    "itch --udp --retransmit at full speed into listen --retransmit --book, no flow control: the whole day, the file's book",
  sanitizeResources: false,
  fn: async () => {
    await fullSpeedDay([]);
  },
});

Deno.test({
  name:
    "itch --retransmit with --drop 0.05 --reorder 0.01 --duplicate 0.01 into listen --retransmit: the whole day all the same",
  sanitizeResources: false,
  fn: async () => {
    const { sent } = await fullSpeedDay([
      "--drop",
      "0.05",
      "--reorder",
      "0.01",
      "--duplicate",
      "0.01",
    ]);
    assert.match(sent.stdout, /faults injected: [1-9][\d,]* packets lost/);
  },
});

Deno.test({
  name:
    "itch --retransmit-buffer bounds what can be sent again: a request for what has left it gets nothing and is counted",
  sanitizeResources: false,
  fn: async () => {
    const run = await generate(["--seed", "4", "--seconds", "300"]);
    const port = await freePort(), rr = await freePort();
    const listener = await startListener([
      "--udp",
      String(port),
      "--retransmit",
      `127.0.0.1:${rr}`,
      "--retransmit-timeout",
      "0.5",
      "--ack",
      "--book",
      "--quiet",
      "--sessions",
      "1",
    ]);
    const sent = await runCli([
      "itch",
      run,
      "--udp",
      `127.0.0.1:${port}`,
      "--ack-window",
      "32",
      "--retransmit",
      `127.0.0.1:${rr}`,
      // Each packet leaves the buffer as soon as the next one comes: nothing can be sent again.
      "--retransmit-buffer",
      "1",
      "--retransmit-linger",
      "2",
      "--drop",
      "0.05",
    ]);
    const got = await listener.finish();
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal(got.code, 0, got.stderr);
    const lost = /faults injected: [\d,]+ packets lost \(([\d,]+) messages\)/.exec(sent.stdout);
    assert.ok(lost && lost[1] !== "0", sent.stdout);
    assert.match(got.stderr, new RegExp(`\\(${lost[1]} messages missing\\)`), got.stderr);
    assert.equal(summaryNumber(got.stderr, "recovered by re-request"), 0);
    assert.match(got.stderr, /^book invalid since seq \d+ of Q20260102A$/m);
    const gone =
      /re-requests: ([\d,]+) answered with 0 messages, ([\d,]+) for messages no longer held/
        .exec(sent.stdout);
    assert.ok(gone && gone[2] !== "0" && gone[1] === gone[2], sent.stdout);
  },
});

/** `itch --udp` of a small run with faults into `listen --ack` (nothing lost but the faults). */
async function faultyFeed(run: string, seed: string) {
  const port = await freePort();
  const listener = await startListener([
    "--udp",
    String(port),
    "--ack",
    "--quiet",
    "--sessions",
    "2",
  ]);
  const sent = await runCli([
    "itch",
    run,
    "--udp",
    `127.0.0.1:${port}`,
    "--ack-window",
    "32",
    // Packets cut by size only, so the same run gives the same packets.
    "--flush-ms",
    "600000",
    "--fault-seed",
    seed,
    "--drop",
    "0.04",
    "--duplicate",
    "0.03",
    "--reorder",
    "0.03",
  ]);
  const got = await listener.finish();
  assert.equal(sent.code, 0, sent.stderr);
  assert.equal(got.code, 0, got.stderr);
  const m =
    /faults injected: ([\d,]+) packets lost \(([\d,]+) messages\), ([\d,]+) duplicated \(([\d,]+) messages\), ([\d,]+) reordered \(([\d,]+) messages\)/
      .exec(sent.stdout);
  assert.ok(m, sent.stdout);
  const n = (i: number) => Number(m[i].replaceAll(",", ""));
  return {
    injected: { lost: n(2), duplicated: n(4), reordered: n(6) },
    summary: m[0],
    got,
  };
}

Deno.test({
  name:
    "faults: the same --fault-seed loses, repeats and reorders the same packets; listen reports exactly those",
  sanitizeResources: false,
  fn: async () => {
    const run = await generate(["--seed", "9", "--days", "2", "--seconds", "120"]);
    const a = await faultyFeed(run, "11");
    const b = await faultyFeed(run, "11");
    const c = await faultyFeed(run, "12");
    assert.equal(a.summary, b.summary);
    assert.notEqual(a.summary, c.summary);
    for (const x of [a, b, c]) {
      const { got, injected } = x;
      assert.ok(injected.lost > 0 && injected.duplicated > 0 && injected.reordered > 0);
      assert.ok(summaryNumber(got.stderr, "gaps") > 0, got.stderr);
      assert.match(got.stderr, new RegExp(`\\(${thousands(injected.lost)} messages missing\\)`));
      assert.equal(summaryNumber(got.stderr, "duplicates"), injected.duplicated, got.stderr);
      const late = summaryNumber(got.stderr, "late");
      assert.ok(late > 0 && late <= injected.reordered, got.stderr);
      // Both days end, though their first end of session may be lost.
      assert.match(got.stderr, /packets: [\d,]+ \([\d,]+ heartbeats, 2 ends of session/);
    }
  },
});

function thousands(n: number): string {
  return n.toLocaleString("en-US");
}

Deno.test({
  name:
    "run --udp --retransmit with --drop, 2 days, no flow control: listen --retransmit gets both days whole, the next day recovered while it caught up",
  sanitizeResources: false,
  fn: async () => {
    const base = tempDir("itch_rr_live");
    const port = await freePort(), rr = await freePort();
    const listener = await startListener([
      "--udp",
      String(port),
      "--retransmit",
      `127.0.0.1:${rr}`,
      "--quiet",
      "--book",
      "--sessions",
      "2",
    ]);
    const run = await runCli([
      "run",
      "--seed",
      "3",
      "--days",
      "2",
      "--seconds",
      "300",
      "--securities",
      "RA:10000,RB:8000",
      "--output",
      `${base}/run`,
      "--udp",
      `127.0.0.1:${port}`,
      "--retransmit",
      String(rr),
      "--retransmit-linger",
      "2",
      "--drop",
      "0.05",
      "--quiet",
    ]);
    const got = await listener.finish();
    assert.equal(run.code, 0, run.stderr);
    assert.equal(got.code, 0, got.stderr);
    const conv = await runCli(["itch", `${base}/run`, "--output", `${base}/conv`, "--quiet"]);
    assert.equal(conv.code, 0, conv.stderr);
    const total = messageCount(Deno.readFileSync(`${base}/conv/20260102.qrsdp_ITCH50`)) +
      messageCount(Deno.readFileSync(`${base}/conv/20260105.qrsdp_ITCH50`));
    assert.equal(summaryNumber(got.stderr, "messages"), total, got.stderr);
    assert.match(got.stderr, /^gaps: [\d,]+ \(0 messages missing\)$/m, got.stderr);
    assert.match(got.stderr, /packets: [\d,]+ \([\d,]+ heartbeats, 2 ends of session/);
    assert.match(
      got.stderr,
      /book: 0 unknown references, 0 duplicate references, 0 negative, 0 crossed/,
    );
    assert.match(run.stdout, /faults injected: [1-9][\d,]* packets lost/);
  },
});
