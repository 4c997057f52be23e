import assert from "node:assert/strict";
import dgram from "node:dgram";
import { spawnCli } from "../helpers.ts";
import { freePort, startListener, summaryNumber } from "./udp_helpers.ts";

/** A MoldUDP64 packet written by hand: session, sequence, count, then the messages. */
function mold(session: string, sequence: number, count: number, messages: Uint8Array[] = []) {
  const size = 20 + messages.reduce((n, m) => n + 2 + m.length, 0);
  const p = new Uint8Array(size);
  const v = new DataView(p.buffer);
  for (let i = 0; i < 10; i++) p[i] = session.charCodeAt(i);
  v.setBigUint64(10, BigInt(sequence));
  v.setUint16(18, count);
  let o = 20;
  for (const m of messages) {
    v.setUint16(o, m.length);
    p.set(m, o + 2);
    o += 2 + m.length;
  }
  return p;
}

/** An ITCH Stock Directory (39 bytes) naming `stock` (8 raw bytes). */
function directory(stock: number[]): Uint8Array {
  const m = new Uint8Array(39);
  m[0] = 0x52;
  m[2] = 1;
  m.set(stock, 11);
  return m;
}

async function sendAll(port: number, packets: Uint8Array[]): Promise<void> {
  const s = dgram.createSocket("udp4");
  for (const p of packets) {
    await new Promise<void>((resolve, reject) =>
      s.send(p, port, "127.0.0.1", (e) => e ? reject(e) : resolve())
    );
  }
  s.close();
}

const END = 0xffff;
const ESC = 0x1b, BEL = 0x07;

Deno.test({
  name: "listen --quiet: garbage and foreign sessions print nothing but the summary",
  sanitizeResources: false,
  fn: async () => {
    const port = await freePort();
    const listener = await startListener(["--udp", String(port), "--quiet", "--sessions", "1"]);
    const garbage: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) {
      const g = crypto.getRandomValues(new Uint8Array(20 + (i % 40)));
      if ((i & 3) === 0) g.set([0, 0], 18);
      garbage.push(g);
    }
    await sendAll(port, [
      mold("Q20260102A", 1, 0),
      ...garbage,
      mold("Q20260102A", 1, END),
    ]);
    const got = await listener.finish();
    assert.equal(got.code, 0, got.stderr);
    const events = got.stderr.split("\n").filter((l) => l.startsWith("qrsdp listen:"));
    assert.deepEqual(events, [`qrsdp listen: listening on port ${port}`], got.stderr);
    assert.ok(summaryNumber(got.stderr, "foreign") > 100, got.stderr);
    assert.match(got.stderr, /^gaps: 0 /m);
  },
});

Deno.test({
  name: "listen escapes control bytes from the wire (ESC, BEL, OSC) in messages and events",
  sanitizeResources: false,
  fn: async () => {
    const port = await freePort();
    const listener = await startListener(["--udp", String(port), "--sessions", "1"]);
    // An OSC sequence that would set the terminal's title, and a bell, in a symbol.
    const stock = [ESC, 0x5d, 0x30, 0x3b, 0x58, BEL, ESC, 0x5b];
    const evil = String.fromCharCode(ESC) + "[2J" + String.fromCharCode(BEL) + "QQQQQ";
    await sendAll(port, [
      mold("Q20260102A", 1, 1, [directory(stock)]),
      mold(evil, 5, 0),
      mold("Q20260102A", 2, END),
    ]);
    const got = await listener.finish();
    assert.equal(got.code, 0, got.stderr);
    for (const text of [got.stdout, got.stderr]) {
      assert.ok(!text.includes("\x1b") && !text.includes("\x07"), JSON.stringify(text));
    }
    assert.match(got.stdout, /\\x1b\]0;X\\x07\\x1b\[ locate 1/);
    assert.match(got.stderr, /another session \\x1b\[2J\\x07QQQQQ ignored/);
  },
});

Deno.test({
  name: "listen exits by itself, with its summary, when its stdout is closed",
  sanitizeResources: false,
  fn: async () => {
    const port = await freePort();
    const child = spawnCli(["listen", "--udp", String(port)]);
    const err = child.stderr.getReader();
    let stderr = "";
    const decoder = new TextDecoder();
    while (!stderr.includes("listening")) {
      const { value, done } = await err.read();
      if (done) break;
      stderr += decoder.decode(value, { stream: true });
    }
    const restErr = (async () => {
      for (;;) {
        const { value, done } = await err.read();
        if (done) return stderr;
        stderr += decoder.decode(value, { stream: true });
      }
    })();
    await sendAll(port, [
      mold("Q20260102A", 1, 1, [directory([0x41, 32, 32, 32, 32, 32, 32, 32])]),
    ]);
    const out = child.stdout.getReader();
    await out.read();
    await out.cancel();
    let exited = false, killed = false;
    const status = child.status.then((s) => {
      exited = true;
      return s;
    });
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, 60_000);
    for (let seq = 2; !exited && seq < 2000; seq++) {
      await sendAll(port, [
        mold("Q20260102A", seq, 1, [directory([0x41, 32, 32, 32, 32, 32, 32, 32])]),
      ]);
      await Promise.race([status, new Promise((r) => setTimeout(r, 20))]);
    }
    const s = await status;
    clearTimeout(timer);
    const text = await restErr;
    assert.equal(killed, false, "listen did not exit on a closed stdout");
    assert.equal(s.code, 0, text);
    assert.match(text, /^messages: \d+/m);
  },
});

/** An ITCH System Event (12 bytes). */
function systemEvent(code: string): Uint8Array {
  const m = new Uint8Array(12);
  m[0] = 0x53;
  m[11] = code.charCodeAt(0);
  return m;
}

Deno.test({
  name:
    "listen: a late packet fills its gap, a foreign heartbeat is ignored, u64 sequences print exactly, the book is marked invalid",
  sanitizeResources: false,
  fn: async () => {
    const port = await freePort();
    const listener = await startListener([
      "--udp",
      String(port),
      "--json",
      "--book",
      "--sessions",
      "2",
    ]);
    const top = 2n ** 64n - 1n;
    const high = new Uint8Array(20 + 2 + 12);
    high.set(mold("Q20260105A", 0, 1, [systemEvent("O")]));
    new DataView(high.buffer).setBigUint64(10, top - 1n);
    const end = mold("Q20260105A", 0, END);
    new DataView(end.buffer).setBigUint64(10, top);
    await sendAll(port, [
      mold("Q20260102A", 1, 1, [systemEvent("O")]),
      mold("Q20260102A", 3, 1, [systemEvent("Q")]),
      mold("ZZZZZZZZZZ", 99, 0),
      mold("Q20260102A", 2, 1, [systemEvent("S")]),
      mold("Q20260102A", 4, END),
      high,
      end,
    ]);
    const got = await listener.finish();
    assert.equal(got.code, 0, got.stderr);
    const lines = got.stdout.trim().split("\n");
    assert.deepEqual(lines, [
      '{"seq":1,"type":"S","locate":0,"ts":0,"code":"O"}',
      '{"seq":3,"type":"S","locate":0,"ts":0,"code":"Q"}',
      '{"seq":2,"type":"S","locate":0,"ts":0,"code":"S"}',
      '{"seq":18446744073709551614,"type":"S","locate":0,"ts":0,"code":"O"}',
    ]);
    assert.equal(summaryNumber(got.stderr, "late"), 1);
    assert.equal(summaryNumber(got.stderr, "duplicates"), 0);
    assert.equal(summaryNumber(got.stderr, "foreign"), 1);
    assert.match(got.stderr, /^gaps: 2 \(18,446,744,073,709,551,613 messages missing\)$/m);
    assert.match(got.stderr, /^book invalid since seq 2 of Q20260102A$/m);
    assert.match(got.stderr, /^book invalid since seq 1 of Q20260105A$/m);
    assert.match(got.stderr, /packets: 7 \(0 heartbeats, 2 ends of session/);
  },
});
