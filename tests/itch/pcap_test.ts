import assert from "node:assert/strict";
import { runCli, tempDir } from "../helpers.ts";
import { freePort, generate, startListener } from "./udp_helpers.ts";

interface Captured {
  session: string;
  sequence: bigint;
  count: number;
  /** The messages' bytes, as hex, one per message. */
  messages: string[];
}

/** Every packet of a capture as Debian's tshark decodes it with its MoldUDP64 dissector. */
async function tsharkPackets(pcap: string, port: number): Promise<Captured[]> {
  const out = await new Deno.Command("tshark", {
    args: [
      "-r",
      pcap,
      "-d",
      `udp.port==${port},moldudp64`,
      "-T",
      "fields",
      "-E",
      "separator=/t",
      "-e",
      "moldudp64.session",
      "-e",
      "moldudp64.sequence",
      "-e",
      "moldudp64.count",
      "-e",
      "moldudp64.msgdata",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim().split("\n").map((line) => {
    const [session, sequence, count, data] = line.split("\t");
    return {
      session,
      sequence: BigInt(sequence),
      count: Number(count),
      messages: data ? data.split(",") : [],
    };
  });
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** A day's file as its messages in hex. */
function fileMessages(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let o = 0; o < bytes.length;) {
    const n = (bytes[o] << 8) | bytes[o + 1];
    out.push(hex(bytes.subarray(o + 2, o + 2 + n)));
    o += 2 + n;
  }
  return out;
}

/** Checks a capture against the day files: sessions, sequence numbers, counts, the messages. */
function checkCapture(packets: Captured[], days: [string, string[]][]) {
  for (const [session, messages] of days) {
    const own = packets.filter((p) => p.session === session);
    const data = own.filter((p) => p.count > 0 && p.count < 0xffff);
    let next = 1n;
    for (const p of data) {
      assert.equal(p.sequence, next, `${session}: packet at ${p.sequence}`);
      assert.equal(p.messages.length, p.count);
      next += BigInt(p.count);
    }
    assert.deepEqual(data.flatMap((p) => p.messages), messages, session);
    const ends = own.filter((p) => p.count === 0xffff);
    assert.equal(ends.length, 4, `${session}: the end of session and its 3 repeats`);
    for (const e of ends) assert.equal(e.sequence, BigInt(messages.length + 1));
  }
  assert.equal(packets.filter((p) => !days.some(([s]) => s === p.session)).length, 0);
}

Deno.test({
  name:
    "itch --pcap and listen --pcap: tshark's MoldUDP64 dissector reads every packet; the ITCH messages in them are the day files byte for byte",
  sanitizeResources: false,
  fn: async () => {
    const run = await generate([
      "--seed",
      "5",
      "--days",
      "2",
      "--seconds",
      "120",
      "--securities",
      "PA:10000,PB:9000",
    ]);
    const dir = tempDir("itch_pcap");
    const port = await freePort();
    const listener = await startListener([
      "--udp",
      String(port),
      "--ack",
      "--quiet",
      "--sessions",
      "2",
      "--pcap",
      `${dir}/listen.pcap`,
    ]);
    const sent = await runCli([
      "itch",
      run,
      "--output",
      `${dir}/files`,
      "--udp",
      `127.0.0.1:${port}`,
      "--ack-window",
      "32",
      "--pcap",
      `${dir}/sent.pcap`,
      "--quiet",
    ]);
    assert.equal(sent.code, 0, sent.stderr);
    const got = await listener.finish();
    assert.equal(got.code, 0, got.stderr);
    const days: [string, string[]][] = [
      ["Q20260102A", fileMessages(Deno.readFileSync(`${dir}/files/20260102.qrsdp_ITCH50`))],
      ["Q20260105A", fileMessages(Deno.readFileSync(`${dir}/files/20260105.qrsdp_ITCH50`))],
    ];
    assert.ok(days[0][1].length > 10_000);
    checkCapture(await tsharkPackets(`${dir}/sent.pcap`, port), days);
    // The listener may stop before the last repeats of the end of session arrive.
    const heard = await tsharkPackets(`${dir}/listen.pcap`, port);
    const whole = heard.filter((p) => p.count !== 0xffff);
    assert.deepEqual(
      whole.flatMap((p) => p.messages),
      days.flatMap(([, m]) => m),
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "files",
      "listen.pcap",
      "sent.pcap",
    ]);
  },
});
