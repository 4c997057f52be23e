import assert from "node:assert/strict";
import { runCli, spawnCli, tempDir } from "../helpers.ts";
import { decodeFile } from "./decoder.ts";

async function generate(flags: string[]): Promise<string> {
  const dir = `${tempDir("itch_cli")}/run`;
  const res = await runCli(["run", ...flags, "--output", dir, "--quiet"]);
  assert.equal(res.code, 0, res.stderr);
  return dir;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BufferSource]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const SMALL = ["--seed", "8", "--days", "2", "--seconds", "300", "--securities", "AA:9000,BB:9100"];

Deno.test("itch: the same run and flags give the same bytes; --gzip is the same feed, gzipped", async () => {
  const run = await generate(SMALL);
  const a = tempDir("itch_a"),
    b = tempDir("itch_b"),
    z = tempDir("itch_z"),
    z2 = tempDir("itch_z2");
  for (const [dir, extra] of [[a, []], [b, []], [z, ["--gzip"]], [z2, ["--gzip"]]] as const) {
    const res = await runCli(["itch", run, "--output", dir, ...extra]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /total: 2 day\(s\), [\d,]+ events, [\d,]+ messages/);
  }
  const names = ["20260102.qrsdp_ITCH50", "20260105.qrsdp_ITCH50"];
  assert.deepEqual([...Deno.readDirSync(a)].map((e) => e.name).sort(), names);
  assert.deepEqual(
    [...Deno.readDirSync(z)].map((e) => e.name).sort(),
    names.map((n) => `${n}.gz`),
  );
  for (const name of names) {
    const plain = Deno.readFileSync(`${a}/${name}`);
    assert.deepEqual(Deno.readFileSync(`${b}/${name}`), plain);
    const gz = Deno.readFileSync(`${z}/${name}.gz`);
    assert.deepEqual(Deno.readFileSync(`${z2}/${name}.gz`), gz);
    assert.deepEqual(await gunzip(gz), plain);
    assert.ok(decodeFile(plain).length > 1000);
  }
});

Deno.test("itch: session files given one by one make the same feed as their run folder", async () => {
  const run = await generate(SMALL);
  const whole = tempDir("itch_whole"), parts = tempDir("itch_parts");
  assert.equal((await runCli(["itch", run, "--output", whole])).code, 0);
  const res = await runCli([
    "itch",
    `${run}/AA/2026-01-02.qrsdp`,
    `${run}/BB/2026-01-02.qrsdp`,
    "--output",
    parts,
  ]);
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual(
    Deno.readFileSync(`${parts}/20260102.qrsdp_ITCH50`),
    Deno.readFileSync(`${whole}/20260102.qrsdp_ITCH50`),
  );
});

const BAD: {
  name: string;
  run?: string[];
  args: (run: string, out: string) => string[];
  code: number;
  message: RegExp;
}[] = [
  {
    name: "a symbol longer than 8 characters",
    run: ["--seconds", "60", "--securities", "ABCDEFGHIJ:10000"],
    args: (run, out) => [run, "--output", out],
    code: 2,
    message: /symbol 'ABCDEFGHIJ' does not fit ITCH/,
  },
  {
    name: "a price beyond ITCH's u32",
    run: ["--seconds", "60", "--p0", "50000000"],
    args: (run, out) => [run, "--output", out],
    code: 2,
    message: /price 50000000 ticks × tick size 100 = 5000000000 does not fit an ITCH price/,
  },
  {
    name: "an output folder that cannot be made",
    args: (run) => [run, "--output", "/dev/null/itch"],
    code: 2,
    message: /--output: cannot create/,
  },
  {
    name: "a missing input",
    args: (run, out) => [`${run}/nothing`, "--output", out],
    code: 2,
    message: /nothing: cannot read/,
  },
  {
    name: "a bad unicast address",
    args: (run) => [run, "--udp", "localhost"],
    code: 2,
    message: /--udp: 'localhost' is not HOST:PORT/,
  },
  {
    name: "a bad port",
    args: (run) => [run, "--udp", "127.0.0.1:70000"],
    code: 2,
    message: /--udp: '127.0.0.1:70000' is not HOST:PORT/,
  },
  {
    name: "a multicast address that is not a group",
    args: (run) => [run, "--multicast", "10.1.2.3:5000"],
    code: 2,
    message: /--multicast: '10.1.2.3:5000' is not GROUP:PORT/,
  },
  {
    name: "a host that does not resolve",
    args: (run, out) => [run, "--udp", "no-such-host.invalid:5000", "--output", out],
    code: 1,
    message: /--udp: .*no-such-host\.invalid/,
  },
  {
    name: "a re-request port that is not one",
    args: (run, out) => [run, "--udp", "127.0.0.1:5000", "--retransmit", "99999", "--output", out],
    code: 2,
    message: /--retransmit: '99999' is not \[HOST:\]PORT/,
  },
  {
    name: "a fault probability above 1",
    args: (run, out) => [run, "--udp", "127.0.0.1:5000", "--drop", "1.5", "--output", out],
    code: 2,
    message: /--drop: 1\.5 is out of range/,
  },
  {
    name: "faults without a UDP feed",
    args: (run, out) => [run, "--output", out, "--reorder", "0.1"],
    code: 2,
    message: /--reorder needs --udp or --multicast/,
  },
  {
    name: "a capture through a symbolic link",
    args: (run, out) => {
      Deno.mkdirSync(out, { recursive: true });
      Deno.symlinkSync("/dev/null", `${out}/../cap.pcap`);
      return [run, "--udp", "127.0.0.1:5000", "--pcap", `${out}/../cap.pcap`];
    },
    code: 2,
    message: /--pcap: .*cap\.pcap is a symbolic link/,
  },
  {
    name: "no output",
    args: (run) => [run],
    code: 2,
    message: /give --output DIR, --udp HOST:PORT or --multicast GROUP:PORT/,
  },
];

for (const c of BAD) {
  Deno.test(`itch with ${c.name}: one line, exit ${c.code}, no file written`, async () => {
    const run = await generate(c.run ?? ["--seconds", "60"]);
    const out = `${tempDir("itch_bad")}/out`;
    const res = await runCli(["itch", ...c.args(run, out)]);
    assert.equal(res.code, c.code, res.stderr);
    assert.match(res.stderr, c.message);
    assert.equal(res.stderr.trim().split("\n").length, 1, res.stderr);
    let files: string[] = [];
    try {
      files = [...Deno.readDirSync(out)].map((e) => e.name);
    } catch {
      // Never made.
    }
    assert.deepEqual(files, []);
  });
}

Deno.test("itch stopped by SIGTERM mid-day: exit 0, the day in hand leaves no file, not even a temporary one", async () => {
  const run = await generate(["--seed", "4", "--seconds", "600"]);
  const out = tempDir("itch_stop");
  const child = spawnCli(["itch", run, "--output", out, "--realtime", "--speed", "60"]);
  const stdout = new Response(child.stdout).text(), stderr = new Response(child.stderr).text();
  await new Promise((r) => setTimeout(r, 2500));
  child.kill("SIGTERM");
  const status = await child.status;
  assert.equal(status.code, 0, await stderr);
  assert.match(await stdout, /total: 0 day\(s\), [\d,]+ events, .*\(stopped early\)/);
  assert.deepEqual([...Deno.readDirSync(out)], []);
});
