import assert from "node:assert/strict";
import { PcapWriter } from "./pcap.ts";

Deno.test("pcap: written under a temporary name, renamed on close; IPv4 header checksums hold", () => {
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_pcap_" });
  try {
    const w = PcapWriter.open(`${dir}/a.pcap`);
    w.write(new Uint8Array([1, 2, 3]), { host: "127.0.0.1", port: 4000 }, {
      host: "239.1.2.3",
      port: 5000,
    }, 1_700_000_000_123.456);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [`.a.pcap.${Deno.pid}.tmp`]);
    w.close();
    const b = Deno.readFileSync(`${dir}/a.pcap`);
    const v = new DataView(b.buffer);
    assert.equal(v.getUint32(0, true), 0xa1b2c3d4);
    assert.equal(v.getUint32(20, true), 1, "Ethernet");
    assert.equal(v.getUint32(24, true), 1_700_000_000);
    assert.equal(v.getUint32(28, true), 123_456);
    assert.equal(v.getUint32(32, true), 14 + 20 + 8 + 3);
    const frame = 40;
    assert.deepEqual([...b.subarray(frame, frame + 6)], [0x01, 0x00, 0x5e, 1, 2, 3]);
    let sum = 0;
    for (let k = 0; k < 20; k += 2) sum += v.getUint16(frame + 14 + k);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    assert.equal(sum, 0xffff);
    assert.equal(v.getUint16(frame + 34), 4000);
    assert.equal(v.getUint16(frame + 36), 5000);
    assert.deepEqual([...b.subarray(frame + 42)], [1, 2, 3]);
    const gone = PcapWriter.open(`${dir}/b.pcap`);
    gone.abort();
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["a.pcap"]);
    Deno.symlinkSync("/dev/null", `${dir}/link.pcap`);
    assert.throws(
      () => PcapWriter.open(`${dir}/link.pcap`),
      /--pcap: .*link\.pcap is a symbolic link/,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
