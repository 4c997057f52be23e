import assert from "node:assert/strict";
import { runCli, tempDir } from "../helpers.ts";
import { decodeFile } from "./decoder.ts";
import type { Message } from "./decoder.ts";

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

/** A security's messages with references and match numbers renumbered in order of appearance. */
function perSecurity(messages: Message[], locate: number): string[] {
  const refs = new Map<number, number>();
  let matches = 0;
  const ref = (r: number) => {
    if (!refs.has(r)) refs.set(r, refs.size + 1);
    return refs.get(r);
  };
  return messages.filter((m) => m.locate === locate).map((m) => {
    if (m.type === "A") return JSON.stringify({ ...m, ref: ref(m.ref) });
    if (m.type === "D") return JSON.stringify({ ...m, ref: ref(m.ref) });
    if (m.type === "E") return JSON.stringify({ ...m, ref: ref(m.ref), match: ++matches });
    return JSON.stringify(m);
  });
}

Deno.test("run --itch-dir, three securities in parallel workers: per security the messages of qrsdp itch, references unique for the day", async () => {
  const base = await liveAndConverted([
    "--seed",
    "12",
    "--days",
    "2",
    "--seconds",
    "600",
    "--securities",
    "AAA:10000,BBB:5000,CCC:20000",
  ]);
  for (const name of NAMES) {
    const live = decodeFile(Deno.readFileSync(`${base}/live/${name}`));
    const conv = decodeFile(Deno.readFileSync(`${base}/conv/${name}`));
    assert.equal(live.length, conv.length);
    for (const locate of [1, 2, 3]) {
      const a = perSecurity(live, locate), b = perSecurity(conv, locate);
      assert.ok(a.length > 10_000);
      assert.deepEqual(a, b, `locate ${locate}`);
    }
    const adds = live.filter((m) => m.type === "A").map((m) => m.type === "A" ? m.ref : 0);
    assert.deepEqual(adds, adds.map((_, i) => i + 1), "references 1, 2, 3, ... across securities");
    const matches = live.flatMap((m) => m.type === "E" ? [m.match] : []);
    assert.deepEqual(matches, matches.map((_, i) => i + 1), "match numbers 1, 2, 3, ...");
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
