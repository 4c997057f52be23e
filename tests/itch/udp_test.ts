import assert from "node:assert/strict";
import dgram from "node:dgram";
import { runCli, tempDir } from "../helpers.ts";
import { decodeFile } from "./decoder.ts";
import { freePort, generate, messageCount, startListener, summaryNumber } from "./udp_helpers.ts";

Deno.test({
  name:
    "itch --udp into listen on loopback, a whole default day at full speed: no gap, every message",
  sanitizeResources: false,
  fn: async () => {
    const run = await generate(["--seed", "42"]);
    const out = tempDir("itch_udp_day");
    const port = await freePort();
    const listener = await startListener([
      "--udp",
      String(port),
      "--ack",
      "--quiet",
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
      "--ack-window",
      "32",
    ]);
    const got = await listener.finish();
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal(got.code, 0, got.stderr);
    const messages = messageCount(Deno.readFileSync(`${out}/20260102.qrsdp_ITCH50`));
    assert.ok(messages > 3_000_000, `${messages} messages`);
    assert.equal(summaryNumber(got.stderr, "gaps"), 0, got.stderr);
    assert.equal(summaryNumber(got.stderr, "messages"), messages, got.stderr);
    assert.equal(summaryNumber(got.stderr, "duplicates"), 0);
    assert.match(sent.stdout, /1,689,650 events/);
  },
});

Deno.test({
  name:
    "itch --multicast into listen --multicast on loopback: the same messages as the file, a sound book",
  sanitizeResources: false,
  fn: async () => {
    const run = await generate([
      "--seed",
      "6",
      "--days",
      "2",
      "--seconds",
      "300",
      "--securities",
      "MC:10000,MD:12000",
    ]);
    const out = tempDir("itch_mc");
    const port = await freePort();
    const group = `239.255.${port >> 8}.${port & 255}`;
    const listener = await startListener([
      "--multicast",
      `${group}:${port}`,
      "--interface",
      "127.0.0.1",
      "--ack",
      "--json",
      "--book",
      "--sessions",
      "2",
    ]);
    const sent = await runCli([
      "itch",
      run,
      "--output",
      out,
      "--multicast",
      `${group}:${port}`,
      "--interface",
      "127.0.0.1",
      "--ack-window",
      "32",
    ]);
    const got = await listener.finish();
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal(got.code, 0, got.stderr);
    const lines = got.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const expected = [
      ...decodeFile(Deno.readFileSync(`${out}/20260102.qrsdp_ITCH50`)),
      ...decodeFile(Deno.readFileSync(`${out}/20260105.qrsdp_ITCH50`)),
    ];
    assert.equal(lines.length, expected.length);
    for (let i = 0; i < lines.length; i++) {
      const { seq: _, ...m } = lines[i];
      const e = expected[i];
      assert.equal(m.type, e.type, `message ${i}`);
      assert.equal(m.ts, e.ts, `message ${i}`);
      if (e.type === "A") assert.equal(m.ref, e.ref);
      if (e.type === "A") assert.equal(Math.round(m.price * 10000), e.price);
      if (e.type === "E") assert.equal(m.match, e.match);
    }
    assert.equal(summaryNumber(got.stderr, "gaps"), 0);
    assert.match(
      got.stderr,
      /book: 0 unknown references, 0 duplicate references, 0 negative, 0 crossed/,
    );
    assert.match(got.stderr, /top of book MC: bid \d+ @ [\d.]+, ask \d+ @ [\d.]+/);
    assert.match(got.stderr, /end of session Q20260105A/);
  },
});

Deno.test({
  name:
    "itch --realtime: heartbeats while idle, packets on time; listen stops on SIGTERM with a summary",
  sanitizeResources: false,
  fn: async () => {
    // A sparse day: a few events in four seconds, paced at speed 1.
    const run = await generate([
      "--seed",
      "3",
      "--seconds",
      "4",
      "--base-L",
      "0.2",
      "--base-M",
      "0.2",
      "--base-C",
      "0.01",
    ]);
    const port = await freePort();
    const listener = await startListener(["--udp", String(port)]);
    let sent;
    try {
      sent = await runCli([
        "itch",
        run,
        "--udp",
        `127.0.0.1:${port}`,
        "--realtime",
        "--speed",
        "1",
      ]);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      listener.child.kill("SIGTERM");
    }
    const got = await listener.finish();
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /[1-9] heartbeats/);
    assert.match(sent.stdout, /packet lateness p50 [\d.]+ ms, p99 [\d.]+ ms/);
    assert.equal(got.code, 0);
    assert.ok(summaryNumber(got.stderr, "packets") >= 3);
    assert.match(
      got.stderr,
      /packets: [\d,]+ \([1-9]\d* heartbeats, 1 ends of session, 3 repeated\)/,
    );
    assert.match(got.stdout, /^09:30:00\.000000000 S system event O$/m);
    assert.match(got.stdout, /^09:30:04\.000000000 S system event C$/m);
    assert.equal(summaryNumber(got.stderr, "gaps"), 0);
  },
});

Deno.test("listen on a port in use: one line, exit 2", async () => {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => s.bind(0, "0.0.0.0", () => resolve()));
  try {
    const res = await runCli(["listen", "--udp", String(s.address().port)]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, new RegExp(`--udp: port ${s.address().port} is in use`));
    assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
  } finally {
    s.close();
  }
});

Deno.test("listen with bad flags: one line, exit 2", async () => {
  for (
    const [args, message] of [
      [["--udp", "0"], /--udp: 0 is out of range/],
      [["--multicast", "10.0.0.1:5000"], /--multicast: '10.0.0.1:5000' is not GROUP:PORT/],
      [[], /give --udp PORT or --multicast GROUP:PORT/],
    ] as const
  ) {
    const res = await runCli(["listen", ...args]);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, message);
    assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
  }
});

Deno.test({
  name: "run --realtime --udp: the live feed reaches listen whole, the messages of qrsdp itch",
  sanitizeResources: false,
  fn: async () => {
    const base = tempDir("itch_live_udp");
    const port = await freePort();
    const listener = await startListener([
      "--udp",
      String(port),
      "--ack",
      "--quiet",
      "--book",
      "--sessions",
      "2",
    ]);
    const run = await runCli([
      "run",
      "--seed",
      "13",
      "--days",
      "2",
      "--seconds",
      "120",
      "--securities",
      "UA:10000,UB:8000",
      "--realtime",
      "--speed",
      "120",
      "--overnight-seconds",
      "0",
      "--output",
      `${base}/run`,
      "--udp",
      `127.0.0.1:${port}`,
      "--ack-window",
      "32",
      "--quiet",
    ]);
    const got = await listener.finish();
    assert.equal(run.code, 0, run.stderr);
    const conv = await runCli(["itch", `${base}/run`, "--output", `${base}/conv`, "--quiet"]);
    assert.equal(conv.code, 0, conv.stderr);
    const total = messageCount(Deno.readFileSync(`${base}/conv/20260102.qrsdp_ITCH50`)) +
      messageCount(Deno.readFileSync(`${base}/conv/20260105.qrsdp_ITCH50`));
    assert.equal(summaryNumber(got.stderr, "gaps"), 0, got.stderr);
    assert.equal(summaryNumber(got.stderr, "messages"), total, got.stderr);
    assert.match(
      got.stderr,
      /book: 0 unknown references, 0 duplicate references, 0 negative, 0 crossed/,
    );
  },
});
