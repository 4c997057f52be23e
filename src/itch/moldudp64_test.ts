import assert from "node:assert/strict";
import { ItchBuffer, stockField } from "./messages.ts";
import {
  decodeMoldPacket,
  encodeMoldHeader,
  END_OF_SESSION,
  MoldPacketizer,
  sessionName,
} from "./moldudp64.ts";

function framed(n: number): Uint8Array {
  const out = new ItchBuffer();
  out.time(1);
  for (let i = 0; i < n; i++) out.addOrder(1, i + 1, true, 100, stockField("A"), 100);
  return out.data.slice();
}

Deno.test("MoldUDP64: packets within the size limit, sequence numbers of their first message", () => {
  const packets: Uint8Array[] = [];
  const mold = new MoldPacketizer(200, (p) => packets.push(p));
  mold.startSession(sessionName("2026-01-02"));
  mold.add(framed(12));
  mold.flush();
  // 20-byte header + 38 bytes per A: 4 fit in 200 bytes.
  assert.deepEqual(packets.map((p) => p.length), [172, 172, 172]);
  const decoded = packets.map((p) => decodeMoldPacket(p)!);
  assert.deepEqual(decoded.map((p) => [p.session, p.sequence, p.count]), [
    ["Q20260102A", 1n, 4],
    ["Q20260102A", 5n, 4],
    ["Q20260102A", 9n, 4],
  ]);
  assert.equal(mold.nextSequence, 13);
});

Deno.test("MoldUDP64: a partial packet waits for flush; heartbeat and end of session carry the next sequence", () => {
  const packets: Uint8Array[] = [];
  const mold = new MoldPacketizer(1400, (p) => packets.push(p));
  mold.startSession("Q20260102A");
  mold.add(framed(3));
  assert.equal(packets.length, 0);
  assert.notEqual(mold.pendingSince, null);
  mold.heartbeat();
  mold.endSession();
  const d = packets.map((p) => decodeMoldPacket(p)!);
  assert.deepEqual(d.map((p) => [p.sequence, p.count, p.messages.length]), [
    [1n, 3, 114],
    [4n, 0, 0],
    [4n, END_OF_SESSION, 0],
  ]);
  mold.startSession("Q20260105A");
  mold.add(framed(1));
  mold.flush();
  const next = decodeMoldPacket(packets[3])!;
  assert.deepEqual([next.session, next.sequence], ["Q20260105A", 1n]);
});

Deno.test("MoldUDP64: a sequence number of 2^64-1 is kept exactly", () => {
  const packet = new Uint8Array(20);
  encodeMoldHeader(packet, "Q20260102A", 2n ** 64n - 1n, 0);
  assert.equal(decodeMoldPacket(packet)!.sequence, 18446744073709551615n);
  encodeMoldHeader(packet, "Q20260102A", 2 ** 40 + 3, 0);
  assert.equal(decodeMoldPacket(packet)!.sequence, 2n ** 40n + 3n);
});
