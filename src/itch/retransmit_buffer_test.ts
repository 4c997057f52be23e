import assert from "node:assert/strict";
import { ItchBuffer, stockField } from "./messages.ts";
import { decodeMoldPacket, MoldPacketizer } from "./moldudp64.ts";
import { RetransmitBuffer } from "./retransmit_buffer.ts";

/** A session of `n` Add Orders, order reference = sequence number. */
function session(name: string, n: number, size: number): Uint8Array[] {
  const out = new ItchBuffer();
  out.time(1);
  for (let i = 1; i <= n; i++) out.addOrder(1, i, true, 100, stockField("X"), 100);
  const packets: Uint8Array[] = [];
  const mold = new MoldPacketizer(size, (p) => packets.push(p));
  mold.startSession(name);
  mold.add(out.data);
  mold.endSession();
  return packets;
}

/** The order references carried by packets, in order. */
function refs(packets: Uint8Array[]): number[] {
  const out: number[] = [];
  for (const p of packets) {
    const m = decodeMoldPacket(p)!;
    const v = new DataView(m.messages.buffer, m.messages.byteOffset, m.messages.byteLength);
    for (let o = 0; o < m.messages.length; o += 2 + v.getUint16(o)) {
      out.push(v.getUint32(o + 13 + 4));
    }
  }
  return out;
}

Deno.test("retransmit buffer: answers any range with packets of the normal format, from the requested sequence", () => {
  const buffer = new RetransmitBuffer(1000);
  // 20-byte header + 38 bytes per A: 4 messages in a 172-byte packet.
  for (const p of session("Q20260102A", 10, 172)) buffer.add(p);
  assert.equal(buffer.size, 10);
  const a = buffer.answer("Q20260102A", 3n, 6, 172, 10);
  assert.equal(a.gone, false);
  assert.equal(a.messages, 6);
  assert.deepEqual(a.packets.map((p) => decodeMoldPacket(p)!.sequence), [3n, 7n]);
  assert.deepEqual(a.packets.map((p) => decodeMoldPacket(p)!.count), [4, 2]);
  assert.ok(a.packets.every((p) => p.length <= 172));
  assert.deepEqual(refs(a.packets), [3, 4, 5, 6, 7, 8]);
  // At most the packets allowed, and never beyond what was sent.
  const b = buffer.answer("Q20260102A", 1n, 100, 172, 2);
  assert.deepEqual(refs(b.packets), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(refs(buffer.answer("Q20260102A", 9n, 100, 172, 9).packets), [9, 10]);
  // Not sent yet: nothing, and not lost either.
  assert.deepEqual(buffer.answer("Q20260102A", 11n, 5, 172, 9), {
    packets: [],
    messages: 0,
    gone: false,
  });
  assert.equal(buffer.answer("Q20260105A", 1n, 5, 172, 9).gone, true);
});

Deno.test("retransmit buffer: bounded; a request for what has left it gets nothing", () => {
  const buffer = new RetransmitBuffer(6);
  for (const p of session("Q20260102A", 8, 172)) buffer.add(p);
  for (const p of session("Q20260105A", 4, 172)) buffer.add(p);
  // Packets of 4 messages: the first day's two packets have left for the second day's one.
  assert.equal(buffer.size, 4);
  assert.equal(buffer.answer("Q20260102A", 5n, 1, 172, 9).gone, true);
  assert.deepEqual(refs(buffer.answer("Q20260105A", 2n, 9, 172, 9).packets), [2, 3, 4]);
  const small = new RetransmitBuffer(6);
  for (const p of session("Q20260102A", 8, 172)) small.add(p);
  assert.equal(small.answer("Q20260102A", 4n, 1, 172, 9).gone, true);
  assert.deepEqual(refs(small.answer("Q20260102A", 5n, 9, 172, 9).packets), [5, 6, 7, 8]);
});
