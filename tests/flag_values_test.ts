/** Flag values every command refuses the same way, from the shared flag layer: exit 2, one line. */
import assert from "node:assert/strict";
import { runCli } from "./helpers.ts";

const CASES: [string[], RegExp][] = [
  [
    ["run", "--seconds", "10", "--itch-dir", "/"],
    /^qrsdp run: --itch-dir: '\/' is the filesystem root/,
  ],
  [
    ["run", "--start-date", "2026-02-30"],
    /^qrsdp run: --start-date: '2026-02-30' is not a real date$/,
  ],
  [["run", "--securities", ""], /^qrsdp run: --securities: the value is empty$/],
  [["run", "--realtime", "--speed", "1e-300"], /^qrsdp run: --speed: 1e-300 is out of range/],
  [["replay", "x", "--speed", "1e-300"], /^qrsdp replay: --speed: 1e-300 is out of range/],
  [
    ["consume", "--kafka-brokers", "127.0.0.1:1", "--kafka-topic", ""],
    /^qrsdp consume: --kafka-topic: the value is empty$/,
  ],
  [["calibrate", "x.qrsdp", "--output", ""], /^qrsdp calibrate: --output: the path is empty$/],
  [
    ["itch", "x", "--udp", "256.1.1.1:5000"],
    /^qrsdp itch: --udp: '256\.1\.1\.1:5000' is not HOST:PORT$/,
  ],
];

for (const [args, message] of CASES) {
  Deno.test(`${args.map((a) => a === "" ? '""' : a).join(" ")}: exit 2, one line`, async () => {
    const res = await runCli(args);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr.trim(), message);
    assert.equal(res.stderr.trim().split("\n").length, 1);
  });
}
