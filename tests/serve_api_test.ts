/**
 * `qrsdp serve`'s HTTP API and WebSocket stream, from outside the process: bad input gets a 4xx
 * with a message, nothing outside --data can be read, simulations survive a restart, the server
 * listens on 127.0.0.1 unless told otherwise.
 */
import assert from "node:assert/strict";
import { runCli, tempDir } from "./helpers.ts";
import { startDashboard } from "./browser/dashboard.ts";

const JSON_BODY = { "content-type": "application/json" };

/** The token of the server under test: `call` sends it with every request that changes something. */
let token = "";

async function call(url: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if ((init.method ?? "GET") !== "GET" && !headers.has("x-qrsdp-token")) {
    headers.set("x-qrsdp-token", token);
  }
  const res = await fetch(url, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A request sent byte for byte, so that `..` in the path reaches the server unnormalised. */
async function rawGet(base: string, path: string): Promise<{ status: number; text: string }> {
  const u = new URL(base);
  const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
  await conn.write(
    new TextEncoder().encode(
      `GET ${path} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: close\r\n\r\n`,
    ),
  );
  const text = new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
  return { status: Number(text.split(" ")[1]), text };
}

async function waitFor<T>(get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every message of a stream until it ends, sending `script` messages as replies come in. */
function streamMessages(
  url: string,
  onMessage: (m: Record<string, unknown>, ws: WebSocket) => void = () => {},
): Promise<Record<string, unknown>[]> {
  const ws = new WebSocket(url);
  const out: Record<string, unknown>[] = [];
  return new Promise((resolve, reject) => {
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      out.push(m);
      onMessage(m, ws);
    };
    ws.onerror = (e) => reject(new Error(String((e as ErrorEvent).message)));
    ws.onclose = () => resolve(out);
  });
}

Deno.test("serve API: bad input is a 4xx with a message, nothing outside --data is readable", async (t) => {
  const root = tempDir("serve_api");
  const data = `${root}/data`;
  const outside = `${root}/outside`;
  // A run outside --data, reachable only through symlinks or a manifest that points out.
  const made = await runCli(["run", "--seconds", "300", "--output", outside, "--quiet"]);
  assert.equal(made.code, 0, made.stderr);
  Deno.mkdirSync(`${data}/evil`, { recursive: true });
  const manifest = JSON.parse(Deno.readTextFileSync(`${outside}/manifest.json`));
  manifest.sessions[0].file = "../../outside/2026-01-02.qrsdp";
  Deno.writeTextFileSync(`${data}/evil/manifest.json`, JSON.stringify(manifest));
  Deno.symlinkSync(outside, `${data}/linked`);
  Deno.mkdirSync(`${data}/sneaky`);
  Deno.copyFileSync(`${outside}/manifest.json`, `${data}/sneaky/manifest.json`);
  Deno.symlinkSync(`${outside}/2026-01-02.qrsdp`, `${data}/sneaky/2026-01-02.qrsdp`);
  // A run written by `qrsdp run` into --data is listed and can be opened.
  const reinit = await runCli([
    "run",
    "--seconds",
    "60",
    "--theta-reinit",
    "0.1",
    "--output",
    `${data}/reinit`,
    "--quiet",
  ]);
  assert.equal(reinit.code, 0, reinit.stderr);
  const own = await runCli([
    "run",
    "--seed",
    "7",
    "--seconds",
    "300",
    "--output",
    `${data}/run_7`,
    "--quiet",
  ]);
  assert.equal(own.code, 0, own.stderr);

  const server = await startDashboard(["serve", "--data", data, "--port", "0"]);
  token = server.token;
  const api = `${server.url}api`;
  try {
    await t.step("listens on 127.0.0.1 by default", async () => {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const port = Number(new URL(server.url).port);
      const other = Deno.networkInterfaces().find((i) =>
        i.family === "IPv4" && !i.address.startsWith("127.")
      );
      if (other) {
        await assert.rejects(Deno.connect({ hostname: other.address, port }));
      }
    });

    await t.step("bad requests", async () => {
      const post = (body: string) =>
        call(`${api}/simulations`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        });
      const good = {
        symbol: "OK",
        p0: 10000,
        sessionSeconds: 3600,
        days: 1,
        preset: "default",
        seed: 1,
      };
      const cases: [Promise<{ status: number; body: { error?: string } }>, number, RegExp][] = [
        [post("not json"), 400, /not JSON/],
        [post("[1]"), 400, /JSON object/],
        [post(JSON.stringify({ ...good, symbol: "" })), 400, /^symbol: /],
        [post(JSON.stringify({ ...good, symbol: "A/B" })), 400, /^symbol: /],
        [post(JSON.stringify({ ...good, symbol: "A,A" })), 400, /repeats/],
        [post(JSON.stringify({ ...good, days: 0 })), 400, /^days: .*1 to 252/],
        [post(JSON.stringify({ ...good, days: 253 })), 400, /^days: /],
        [post(JSON.stringify({ ...good, days: "2" })), 400, /^days: /],
        [
          post(JSON.stringify({ ...good, sessionSeconds: 100 })),
          400,
          /^sessionSeconds: one of 3600, 7200, 23400/,
        ],
        [post(JSON.stringify({ ...good, preset: "nope" })), 400, /^preset: one of default/],
        [post(JSON.stringify({ ...good, p0: -1 })), 400, /^p0: /],
        [post(JSON.stringify({ ...good, seed: 1.5 })), 400, /^seed: /],
        [
          call(`${api}/simulations`, { method: "POST", body: JSON.stringify(good) }),
          415,
          /application\/json/,
        ],
        [
          call(`${api}/simulations`, {
            method: "POST",
            body: JSON.stringify(good),
            headers: { ...JSON_BODY, origin: "http://evil.example" },
          }),
          403,
          /evil\.example are not accepted/,
        ],
        [
          call(`${api}/runs/run_7`, {
            method: "DELETE",
            headers: { origin: "http://evil.example" },
          }),
          403,
          /not accepted/,
        ],
        [
          call(`${api}/runs/run_7/stream`, {
            headers: { upgrade: "websocket", origin: "http://127.0.0.1.evil.example" },
          }),
          403,
          /not accepted/,
        ],
        [call(`${api}/runs/nope`), 404, /no run 'nope'/],
        [call(`${api}/runs/bad%20id`), 400, /not a plain name/],
        [call(`${api}/runs/nope`, { method: "DELETE" }), 404, /no run/],
        [call(`${api}/runs`, { method: "PUT" }), 405, /PUT not allowed/],
        [call(`${api}/whatever`), 404, /no such API path/],
        [call(`${api}/runs/run_7/stream`), 426, /WebSocket/],
        [
          call(`${api}/runs/run_7/stream?speed=0`, { headers: { upgrade: "websocket" } }),
          400,
          /^speed: /,
        ],
        [call(`${api}/runs/run_7/analysis?symbol=ZZZ`), 404, /no security 'ZZZ'/],
        [call(`${api}/runs/run_7/analysis?date=1999-01-01`), 404, /no session 1999-01-01/],
        [call(`${api}/runs/evil/analysis`), 404, /outside the run/],
        [call(`${api}/runs/linked`), 404, /not found/],
        [call(`${api}/runs/sneaky/analysis`), 404, /not found/],
      ];
      for (const [pending, status, message] of cases) {
        const res = await pending;
        assert.equal(res.status, status, JSON.stringify(res.body));
        assert.match(res.body.error ?? "", message);
      }
      // Nothing was created by the bad requests.
      const ids = (await call(`${api}/runs`)).body.runs.map((r: { id: string }) => r.id);
      assert.deepEqual(ids, ["evil", "reinit", "run_7", "sneaky"]);
    });

    await t.step("no path leads out of --data", async () => {
      for (
        const path of [
          "/../../../../etc/passwd",
          "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
          "/..%2f..%2f..%2fetc%2fpasswd",
          "/api/runs/../../../etc/passwd",
          "/api/runs/..%2f..%2foutside/analysis",
          "/api/runs/%2e%2e/analysis",
          "/api/runs/run_7/analysis?date=../../../../etc/passwd",
          "/api/runs/run_7/analysis?symbol=../outside",
          "/api/runs/linked/analysis",
          "/api/runs/linked/stream",
          "/index.html/../../outside/manifest.json",
          "/%ff",
        ]
      ) {
        const res = await rawGet(server.url, path);
        assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
        assert.doesNotMatch(res.text, /root:|base_seed/, path);
      }
      // The evil manifest's file is not replayed either.
      const messages = await streamMessages(
        `${api.replace("http", "ws")}/runs/evil/stream?speed=100000`,
      );
      assert.equal(messages.filter((m) => m.type === "tick").length, 0);
      assert.match(String(messages.find((m) => m.type === "error")?.message), /outside the run/);
    });

    await t.step("presets, and no platform view without ClickHouse", async () => {
      const presets = (await call(`${api}/presets`)).body;
      assert.deepEqual(presets.presets.map((p: { name: string }) => p.name), [
        "default",
        "calm",
        "volatile",
        "hlr",
      ]);
      assert.equal(presets.presets[0].params.baseM, 15);
      assert.deepEqual(presets.sessionLengths, [3600, 7200, 23400]);
      assert.deepEqual((await call(`${api}/platform`)).body, { configured: false });
      assert.deepEqual((await call(`${api}/live`)).body, { run: null });
    });

    await t.step(
      "a run with --theta-reinit says that its books cannot be rebuilt exactly",
      async () => {
        assert.equal((await call(`${api}/runs/reinit`)).body.thetaReinit, 0.1);
        assert.equal((await call(`${api}/runs/run_7`)).body.thetaReinit, undefined);
      },
    );

    await t.step("a run written by `qrsdp run` can be opened and replayed", async () => {
      const run = (await call(`${api}/runs/run_7`)).body;
      assert.equal(run.status, "done");
      assert.deepEqual(run.symbols, [null]);
      assert.equal(run.sessions[0].sessions[0].date, "2026-01-02");
      const analysis = (await call(`${api}/runs/run_7/analysis`)).body;
      assert.equal(analysis.events, run.events);
      assert.equal(analysis.candles.length, 5);
      const messages = await streamMessages(
        `${api.replace("http", "ws")}/runs/run_7/stream?speed=100000`,
      );
      const ticks = messages.filter((m) => m.type === "tick");
      assert.ok(ticks.length > 0);
      const last = ticks[ticks.length - 1] as { securities: { events: number }[] };
      assert.equal(last.securities[0].events, run.events);
      assert.equal(messages[messages.length - 1].type, "end");
    });

    await t.step("the stream's control messages", async () => {
      const replies: Record<string, unknown>[] = [];
      await streamMessages(`${api.replace("http", "ws")}/runs/run_7/stream?speed=10`, (m, ws) => {
        if (m.type === "hello") {
          for (
            const c of [
              "not json",
              JSON.stringify({ type: "set_speed", speed: 0 }),
              JSON.stringify({ type: "set_speed", speed: "fast" }),
              JSON.stringify({ type: "focus", symbol: "ZZZ" }),
              JSON.stringify({ type: "jump" }),
              JSON.stringify({ type: "pause" }),
              JSON.stringify({ type: "resume" }),
              JSON.stringify({ type: "set_speed", speed: 100000 }),
            ]
          ) ws.send(c);
        } else if (m.type === "error" || m.type === "state") replies.push(m);
      });
      assert.deepEqual(replies.map((r) => r.message ?? `${r.paused} ${r.speed}`), [
        "a message is a JSON object",
        "speed must be a number from 1 to 100000",
        "speed must be a number from 1 to 100000",
        "no security 'ZZZ' in this run",
        "unknown message type 'jump'",
        "true 10",
        "false 10",
        "false 100000",
      ]);
    });
  } finally {
    const status = await server.stop();
    assert.equal(status.code, 0, server.stderr());
  }
});

Deno.test("serve: simulations are run directories that survive a restart", async () => {
  const data = tempDir("serve_restart");
  let server = await startDashboard(["serve", "--data", data, "--port", "0"]);
  token = server.token;
  let api = `${server.url}api`;
  try {
    const created = await call(`${api}/simulations`, {
      method: "POST",
      headers: JSON_BODY,
      body: JSON.stringify({ symbol: "KEEP", p0: 20000, sessionSeconds: 3600, days: 2, seed: 3 }),
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.id, "KEEP-3");
    const long = await call(`${api}/simulations`, {
      method: "POST",
      headers: JSON_BODY,
      body: JSON.stringify({ symbol: "LONG", p0: 100, sessionSeconds: 23400, days: 20, seed: 3 }),
    });
    assert.equal(long.body.status, "running");
    const done = await waitFor(() => call(`${api}/runs/KEEP-3`), (r) => r.body.status === "done");
    assert.equal(done.body.daysDone, 2);
    assert.equal(done.body.preset, "default");
    // A second simulation with the same symbol and seed gets a name of its own.
    const again = await call(`${api}/simulations`, {
      method: "POST",
      headers: JSON_BODY,
      body: JSON.stringify({ symbol: "KEEP", p0: 20000, sessionSeconds: 3600, days: 1, seed: 3 }),
    });
    assert.equal(again.body.id, "KEEP-3-2");
    await waitFor(() => call(`${api}/runs/KEEP-3-2`), (r) => r.body.status === "done");

    // SIGTERM stops the long simulation with its files closed.
    const status = await server.stop();
    assert.equal(status.code, 0, server.stderr());
    server = await startDashboard(["serve", "--data", data, "--port", "0"]);
    token = server.token;
    api = `${server.url}api`;
    const runs = (await call(`${api}/runs`)).body.runs;
    assert.deepEqual(runs.map((r: { id: string; status: string }) => `${r.id} ${r.status}`), [
      "KEEP-3 done",
      "KEEP-3-2 done",
      "LONG-3 stopped",
    ]);
    assert.equal(runs[0].events, done.body.events);
    assert.ok(runs[2].daysDone < 20);
    const info = await runCli(["info", `${data}/LONG-3`]);
    assert.equal(info.code, 0, info.stderr);
    // Delete removes the directory.
    assert.equal((await call(`${api}/runs/KEEP-3-2`, { method: "DELETE" })).status, 204);
    assert.throws(() => Deno.statSync(`${data}/KEEP-3-2`), Deno.errors.NotFound);
  } finally {
    const status = await server.stop();
    assert.equal(status.code, 0, server.stderr());
  }
});
