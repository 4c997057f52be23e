import assert from "node:assert/strict";
import { runCli, tempDir } from "../helpers.ts";
import { decodeFile } from "./decoder.ts";

const NAMES = ["20260102.qrsdp_ITCH50", "20260105.qrsdp_ITCH50"];

async function liveAndConverted(flags: string[]) {
  const base = tempDir("itch_live");
  const run = await runCli([
    "run",
    ...flags,
    "--output",
    `${base}/run`,
    "--itch-dir",
    `${base}/live`,
    "--quiet",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^itch: 2 day\(s\), [\d,]+ events, [\d,]+ messages, 2 file\(s\)$/m);
  const conv = await runCli(["itch", `${base}/run`, "--output", `${base}/conv`, "--quiet"]);
  assert.equal(conv.code, 0, conv.stderr);
  return base;
}

Deno.test("run --itch-dir, one security: the live feed is byte for byte qrsdp itch of the run's files", async () => {
  const base = await liveAndConverted(["--seed", "11", "--days", "2", "--seconds", "600"]);
  for (const name of NAMES) {
    assert.deepEqual(
      Deno.readFileSync(`${base}/live/${name}`),
      Deno.readFileSync(`${base}/conv/${name}`),
    );
  }
});

const SEVEN = "AAA:10000,BBB:5000,CCC:20000,DDD:700,EEE:9000,FFF:3000,GGG:15000";
for (
  const [securities, workers, seconds] of [
    ["AAA:10000,BBB:5000,CCC:20000", "1", "600"],
    ["AAA:10000,BBB:5000,CCC:20000", "2", "600"],
    [SEVEN, "3", "200"],
  ]
) {
  const count = securities.split(",").length;
  Deno.test(`run --itch-dir, ${count} securities on ${workers} worker(s): byte for byte qrsdp itch, time never goes back`, async () => {
    const base = await liveAndConverted([
      "--seed",
      "12",
      "--days",
      "2",
      "--seconds",
      seconds,
      "--securities",
      securities,
      "--workers",
      workers,
    ]);
    for (const name of NAMES) {
      const live = Deno.readFileSync(`${base}/live/${name}`);
      const messages = decodeFile(live);
      let backward = 0;
      for (let i = 1; i < messages.length; i++) {
        if (messages[i].ts < messages[i - 1].ts) backward++;
      }
      assert.equal(backward, 0, `${name}: timestamps going back`);
      for (let locate = 1; locate <= count; locate++) {
        assert.ok(messages.filter((m) => m.locate === locate).length > 1_000);
      }
      assert.deepEqual(live, Deno.readFileSync(`${base}/conv/${name}`), name);
    }
  });
}

Deno.test("run --itch-dir, 300 securities with sizes of their own: the live feed (one event at a time) is byte for byte qrsdp itch (made in time windows)", async () => {
  const dir = tempDir("itch_live_market");
  const lines = Array.from({ length: 300 }, (_, i) => `S${i}:${1000 + 37 * i}`);
  Deno.writeTextFileSync(`${dir}/securities.txt`, lines.join("\n") + "\n");
  const base = await liveAndConverted([
    "--seed",
    "13",
    "--days",
    "2",
    "--seconds",
    "30",
    "--sizes",
    "geometric:3",
    "--securities",
    `@${dir}/securities.txt`,
    "--workers",
    "2",
  ]);
  for (const name of NAMES) {
    const live = Deno.readFileSync(`${base}/live/${name}`);
    const conv = Deno.readFileSync(`${base}/conv/${name}`);
    assert.equal(new Set(decodeFile(live).map((m) => m.locate)).size, 301, name);
    // The first byte that differs, not a diff of two 20 MB arrays.
    const differs = live.findIndex((b, i) => b !== conv[i]);
    assert.deepEqual([differs, live.length], [-1, conv.length], name);
  }
});

Deno.test("run with a live feed that fails (a host that does not resolve): the files are complete, exit 1, one line", async () => {
  const out = `${tempDir("itch_live_fail")}/run`;
  const res = await runCli([
    "run",
    "--seed",
    "2",
    "--seconds",
    "300",
    "--output",
    out,
    "--udp",
    "no-such-host.invalid:5000",
    "--quiet",
  ]);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /^qrsdp run: itch: .*no-such-host\.invalid/m);
  assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
  const info = await runCli(["info", out]);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /2026-01-02 .* ok/);
});

Deno.test("run with a symbol that does not fit ITCH and a live feed: one line, exit 2, nothing written", async () => {
  const dir = tempDir("itch_live_bad");
  const res = await runCli([
    "run",
    "--seconds",
    "60",
    "--securities",
    "LONGSYMBOL9:100",
    "--output",
    `${dir}/run`,
    "--itch-dir",
    `${dir}/itch`,
  ]);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /symbol 'LONGSYMBOL9' does not fit ITCH/);
  assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
  assert.deepEqual([...Deno.readDirSync(dir)], []);
});
