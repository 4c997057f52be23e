import assert from "node:assert/strict";
import { qrsdpFiles, ROOT, runCli, tempDir } from "./helpers.ts";

/**
 * `deno compile` needs its runtime from the internet, which our machines cannot reach; the same
 * self-containment is shown here: the bundle is built offline and runs with an empty DENO_DIR,
 * no remote imports and no npm fetches allowed.
 */
Deno.test("the bundled program runs self-contained and writes the same files as the source", async () => {
  const dir = tempDir("bundle");
  const bundle = `${dir}/qrsdp.js`;
  const build = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform", "deno", "-o", bundle, `${ROOT}/main.ts`],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(build.code, 0, new TextDecoder().decode(build.stderr));

  const emptyDenoDir = Deno.makeTempDirSync({ prefix: "qrsdp_empty_deno_dir_" });
  const runBundle = async (args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-remote", "--cached-only", "--no-config", bundle, ...args],
      cwd: dir,
      env: { DENO_DIR: emptyDenoDir },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  };

  // Over an hour of sessions in all, so that the run is done by worker threads, each of them the
  // bundle itself loading its run code on the first message.
  const flags = [
    "--seed",
    "7",
    "--days",
    "2",
    "--seconds",
    "1000",
    "--securities",
    "AAPL:10000,MSFT:15000",
  ];
  const bundled = await runBundle(["run", ...flags, "--output", `${dir}/bundled`]);
  assert.equal(bundled.code, 0, bundled.stderr);
  const source = await runCli(["run", ...flags, "--output", `${dir}/source`, "--quiet"]);
  assert.equal(source.code, 0, source.stderr);
  const files = qrsdpFiles(`${dir}/source`);
  assert.equal(files.length, 4);
  assert.deepEqual(qrsdpFiles(`${dir}/bundled`), files);
  for (const f of files) {
    assert.deepEqual(
      Deno.readFileSync(`${dir}/bundled/${f}`),
      Deno.readFileSync(`${dir}/source/${f}`),
    );
  }

  // The Parquet writer is inside the bundle: its files are those of the source tree's export.
  const exported = await runBundle([
    "export",
    `${dir}/bundled`,
    "--format",
    "parquet",
    "--output",
    `${dir}/pq-bundled`,
  ]);
  assert.equal(exported.code, 0, exported.stderr);
  const fromSource = await runCli([
    "export",
    `${dir}/source`,
    "--format",
    "parquet",
    "--output",
    `${dir}/pq-source`,
  ]);
  assert.equal(fromSource.code, 0, fromSource.stderr);
  for (const name of ["AAPL_2026-01-02.parquet", "MSFT_2026-01-02.parquet"]) {
    assert.deepEqual(
      Deno.readFileSync(`${dir}/pq-bundled/${name}`),
      Deno.readFileSync(`${dir}/pq-source/${name}`),
    );
  }

  // calibrate --lobster with an orderbook file checks its rows in a worker thread, the bundle
  // itself: the curves are the source tree's.
  const lobster = await runCli([
    "export",
    `${dir}/source`,
    "--format",
    "lobster",
    "--output",
    `${dir}/lob`,
    "--quiet",
  ]);
  assert.equal(lobster.code, 0, lobster.stderr);
  const curves = await runBundle(["calibrate", "--lobster", `${dir}/lob`, "--output", "b.json"]);
  assert.equal(curves.code, 0, curves.stderr);
  const curvesSource = await runCli([
    "calibrate",
    "--lobster",
    `${dir}/lob`,
    "--output",
    `${dir}/s.json`,
  ]);
  assert.equal(curvesSource.code, 0, curvesSource.stderr);
  assert.equal(Deno.readTextFileSync(`${dir}/b.json`), Deno.readTextFileSync(`${dir}/s.json`));

  // The npm clients are inside the bundle too: kafkajs answers for an unreachable broker and
  // @clickhouse/client for an unreachable server.
  const replay = await runBundle([
    "replay",
    `${dir}/bundled`,
    "--kafka-brokers",
    "127.0.0.1:1",
    "--kafka-timeout",
    "0",
  ]);
  assert.equal(replay.code, 1, replay.stderr);
  assert.match(replay.stderr, /not acknowledged \(cannot reach 127\.0\.0\.1:1/);
  const query = await runBundle(["query", "SELECT 1", "--port", "1"]);
  assert.equal(query.code, 2);
  assert.match(query.stderr, /cannot reach ClickHouse at http:\/\/localhost:1 \(ECONNREFUSED\)/);

  // The dashboard: its page and chart library are inside the bundle, and a simulation runs in
  // the bundle's own workers.
  const serve = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--no-remote",
      "--cached-only",
      "--no-config",
      bundle,
      "serve",
      "--data",
      dir,
      "--port",
      "0",
    ],
    cwd: dir,
    env: { DENO_DIR: emptyDenoDir },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = serve.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let announced = "";
  while (!/dashboard at (\S+)/.test(announced)) {
    const { value, done } = await stderr.read();
    assert.ok(!done, announced);
    announced += value;
  }
  const url = /dashboard at (\S+)/.exec(announced)![1];
  try {
    const page = await (await fetch(url)).text();
    assert.match(page, /<title>qrsdp dashboard<\/title>/);
    const uplot = await (await fetch(`${url}uplot.js`)).text();
    assert.match(uplot, /uPlot/);
    assert.ok(uplot.length > 40_000, String(uplot.length));
    assert.match(await (await fetch(`${url}app.js`)).text(), /new WebSocket/);
    const runs = await (await fetch(`${url}api/runs`)).json();
    assert.ok(runs.runs.some((r: { id: string }) => r.id === "bundled"));
    const token = /<meta name="qrsdp-token" content="([0-9a-f]+)">/.exec(page)![1];
    const created = await fetch(`${url}api/simulations`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-qrsdp-token": token },
      body: JSON.stringify({ symbol: "BNDL", p0: 10000, sessionSeconds: 3600, days: 1, seed: 1 }),
    });
    assert.equal(created.status, 201);
    let run;
    for (;;) {
      run = await (await fetch(`${url}api/runs/BNDL-1`)).json();
      if (run.status !== "running") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(run.status, "done", JSON.stringify(run));
    assert.ok(run.events > 100_000);
    // The analysis runs in a worker started from the bundle too.
    const analysis = await (await fetch(`${url}api/runs/BNDL-1/analysis`)).json();
    assert.equal(analysis.events, run.events);
    assert.equal(analysis.candles.length, 60);
  } finally {
    serve.kill("SIGTERM");
    assert.equal((await serve.status).code, 0);
    await stderr.cancel();
  }

  const cached = [...Deno.readDirSync(emptyDenoDir)].filter((e) => e.name === "npm");
  for (const npm of cached) {
    assert.equal([...Deno.readDirSync(`${emptyDenoDir}/${npm.name}`)].length, 0);
  }
});
