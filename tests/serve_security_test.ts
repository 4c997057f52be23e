/**
 * `qrsdp serve` against a hostile user and hostile pages: no secret in any answer, nothing changed
 * by a request addressed to another host name or without the page's token, the run lock and other
 * people's files respected, simulations bounded, untrusted files shown as data.
 */
import assert from "node:assert/strict";
import { fakeClickHouse } from "./fake_servers.ts";
import { runCli, spawnCli, tempDir } from "./helpers.ts";
import { startDashboard } from "./browser/dashboard.ts";
import type { Dashboard } from "./browser/dashboard.ts";

const CLICKHOUSE_PASSWORD = 'S3cr3t"M4rk\\er';
const KAFKA_PASSWORD = "kafkaPw7f3a9c";
const HOST_PASSWORD = "hostPw93d1";

/** Each password set as it may travel: raw, URL-encoded, in Basic credentials, JSON-escaped. */
function leaks(text: string, passwords: string[]): string[] {
  return passwords.flatMap((p) => [
    p,
    encodeURIComponent(p),
    btoa(`default:${p}`),
    btoa(`u:${p}`),
    JSON.stringify(p).slice(1, -1),
    JSON.stringify(JSON.stringify(p)).slice(1, -1),
  ]).filter((f) => text.includes(f));
}

interface Raw {
  status: number;
  headers: string;
  body: string;
}

/** One request sent byte for byte, so that its Host header is whatever the test says. */
async function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body = "",
): Promise<Raw> {
  const u = new URL(base);
  const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
  const all: Record<string, string> = {
    host: u.host,
    connection: "close",
    ...(body ? { "content-length": String(new TextEncoder().encode(body).length) } : {}),
    ...headers,
  };
  const head = Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  await conn.write(new TextEncoder().encode(`${method} ${path} HTTP/1.1\r\n${head}\r\n${body}`));
  const text = new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
  const split = text.indexOf("\r\n\r\n");
  let rest = text.slice(split + 4);
  const headText = text.slice(0, split);
  if (/transfer-encoding: chunked/i.test(headText)) {
    let out = "";
    for (;;) {
      const eol = rest.indexOf("\r\n");
      const n = parseInt(rest.slice(0, eol), 16);
      if (!n) break;
      out += rest.slice(eol + 2, eol + 2 + n);
      rest = rest.slice(eol + 4 + n);
    }
    rest = out;
  }
  return { status: Number(text.split(" ")[1]), headers: headText, body: rest };
}

const JSON_TYPE = { "content-type": "application/json" };
const SIM = JSON.stringify({ symbol: "EVIL", p0: 100, days: 1, sessionSeconds: 3600, seed: 1 });

async function made(dir: string, args = ["--seconds", "120"]) {
  const res = await runCli(["run", "--output", dir, "--quiet", ...args]);
  assert.equal(res.code, 0, res.stderr);
}

async function stopped(server: Dashboard) {
  const status = await server.stop();
  assert.equal(status.code, 0, server.stderr());
}

Deno.test("serve: no answer on any route holds a password from the environment", async () => {
  const clickhouse = fakeClickHouse();
  const data = tempDir("serve_secrets");
  await made(`${data}/run_1`);
  const env = {
    CLICKHOUSE_HOST: "127.0.0.1",
    CLICKHOUSE_PORT: String(clickhouse.port),
    CLICKHOUSE_PASSWORD,
    KAFKA_SASL_USERNAME: "alice",
    KAFKA_SASL_PASSWORD: KAFKA_PASSWORD,
  };
  const hostEnv = { ...env, CLICKHOUSE_HOST: `u:${HOST_PASSWORD}@127.0.0.1` };
  try {
    for (
      const [vars, passwords, failure] of [
        [env, [CLICKHOUSE_PASSWORD, KAFKA_PASSWORD], /Authentication failed/],
        [hostEnv, [CLICKHOUSE_PASSWORD, KAFKA_PASSWORD, HOST_PASSWORD], /is not a host name/],
      ] as const
    ) {
      const server = await startDashboard(["serve", "--data", data, "--port", "0"], vars);
      try {
        const token = { "x-qrsdp-token": server.token };
        const answers: Raw[] = [];
        for (
          const path of [
            "/",
            "/app.js",
            "/api/presets",
            "/api/live",
            "/api/platform",
            "/api/runs",
            "/api/runs/run_1",
            "/api/runs/run_1/analysis",
            `/api/runs/${KAFKA_PASSWORD}`,
            `/api/runs/${HOST_PASSWORD}/analysis`,
            `/api/${encodeURIComponent(CLICKHOUSE_PASSWORD)}`,
            "/api/runs/run_1/stream",
          ]
        ) {
          answers.push(await raw(server.url, "GET", path));
          answers.push(await raw(server.url, "HEAD", path));
        }
        answers.push(
          await raw(server.url, "POST", "/api/simulations", { ...JSON_TYPE, ...token }, "{"),
          await raw(
            server.url,
            "POST",
            "/api/simulations",
            { ...JSON_TYPE, ...token },
            JSON.stringify({ symbol: KAFKA_PASSWORD.toUpperCase(), seed: CLICKHOUSE_PASSWORD }),
          ),
          await raw(server.url, "DELETE", `/api/runs/${KAFKA_PASSWORD}`, token),
          await raw(server.url, "PUT", `/api/runs/${KAFKA_PASSWORD}`, token),
        );
        // The platform view did fail naming the credentials (the server echoes what it was sent):
        // the test can fail.
        const platform = answers.find((a) => /"configured":true/.test(a.body));
        assert.match(platform?.body ?? "", failure);

        for (const a of answers) {
          assert.deepEqual(
            leaks(a.headers + a.body, [...passwords]),
            [],
            `${a.headers}\n${a.body}`,
          );
        }
        const ws = new WebSocket(
          `${server.url.replace("http", "ws")}api/runs/run_1/stream?speed=1`,
        );
        const messages: string[] = [];
        await new Promise<void>((resolve) => {
          ws.onopen = () => ws.send(JSON.stringify({ type: "focus", symbol: KAFKA_PASSWORD }));
          ws.onmessage = (e) => {
            messages.push(String(e.data));
            if (String(e.data).includes("no security")) ws.close();
          };
          ws.onclose = () => resolve();
        });
        assert.ok(messages.some((m) => m.includes("no security")), messages[0]);
        assert.deepEqual(leaks(messages.join("\n"), [...passwords]), []);
        assert.deepEqual(leaks(server.stderr(), [...passwords]), []);
      } finally {
        await stopped(server);
      }
    }
    // ClickHouse was really sent the password, which its answer echoed.
    assert.ok(leaks(clickhouse.received(), [CLICKHOUSE_PASSWORD]).length > 0);
  } finally {
    await clickhouse.stop();
  }
});

Deno.test("serve: a foreign Host, or a change without the page's token, is refused and changes nothing", async () => {
  const data = tempDir("serve_hosts");
  await made(`${data}/run_1`);
  const server = await startDashboard(["serve", "--data", data, "--port", "0"]);
  const port = new URL(server.url).port;
  const token = { "x-qrsdp-token": server.token };
  try {
    const foreign = [`evil.example:${port}`, "127.0.0.1", `127.0.0.1:${Number(port) + 1}`, ""];
    for (const host of foreign) {
      const h = { host, origin: `http://${host}` };
      for (
        const [method, path, body] of [
          ["GET", "/", ""],
          ["GET", "/api/runs", ""],
          ["HEAD", "/api/presets", ""],
          ["POST", "/api/simulations", SIM],
          ["DELETE", "/api/runs/run_1", ""],
          ["GET", "/api/runs/run_1/stream", ""],
        ]
      ) {
        const res = await raw(server.url, method, path, { ...JSON_TYPE, ...h, ...token }, body);
        assert.equal(res.status, 403, `${method} ${path} with Host '${host}': ${res.body}`);
        assert.doesNotMatch(res.body, /run_1|qrsdp-token/);
      }
    }
    // Without the token, or with a wrong one, nothing changes either.
    const tokens: Record<string, string>[] = [{}, { "x-qrsdp-token": "0".repeat(64) }, {
      "x-qrsdp-token": "",
    }];
    for (const t of tokens) {
      const post = await raw(server.url, "POST", "/api/simulations", { ...JSON_TYPE, ...t }, SIM);
      assert.equal(post.status, 403, post.body);
      assert.match(post.body, /x-qrsdp-token/);
      assert.equal((await raw(server.url, "DELETE", "/api/runs/run_1", t)).status, 403);
    }
    assert.deepEqual([...Deno.readDirSync(data)].map((e) => e.name), ["run_1"]);
    assert.ok(Deno.statSync(`${data}/run_1/manifest.json`).isFile);
    // The names the server does answer to, and the page carries the token.
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      const res = await raw(server.url, "GET", "/", { host });
      assert.equal(res.status, 200, host);
      assert.ok(res.body.includes(`content="${server.token}"`));
    }
    // HEAD is answered on the API as GET is, and every answer carries the security headers.
    for (const path of ["/api/presets", "/api/runs", "/", "/api/nope"]) {
      const res = await raw(server.url, "HEAD", path);
      assert.equal(res.status, path === "/api/nope" ? 404 : 200, path);
      assert.equal(res.body, "");
      assert.match(
        res.headers,
        /content-security-policy: [^\r]*script-src 'self';[^\r]*frame-ancestors 'none'/,
      );
      assert.match(res.headers, /x-content-type-options: nosniff/);
    }
    const other = await startDashboard(["serve", "--data", data, "--port", "0"]);
    assert.notEqual(other.token, server.token);
    await stopped(other);
    // With the token, the same request goes through.
    const ok = await raw(server.url, "POST", "/api/simulations", { ...JSON_TYPE, ...token }, SIM);
    assert.equal(ok.status, 201, ok.body);
  } finally {
    await stopped(server);
  }
});

Deno.test("serve: DELETE keeps a run another process is writing, and files that are not a run's", async () => {
  const data = tempDir("serve_delete");
  for (const id of ["locked", "notes", "sub", "plain"]) await made(`${data}/${id}`);
  Deno.writeTextFileSync(`${data}/notes/NOTES.txt`, "mine");
  Deno.mkdirSync(`${data}/sub/sub`);
  Deno.writeTextFileSync(`${data}/sub/sub/keep`, "mine");
  // Another `qrsdp run` holds the lock of `locked` (this process stands in for it).
  const lock = Deno.openSync(`${data}/locked/.qrsdp.lock`, { write: true, create: true });
  lock.lockSync(true);
  const server = await startDashboard(["serve", "--data", data, "--port", "0"]);
  const del = (id: string) =>
    raw(server.url, "DELETE", `/api/runs/${id}`, { "x-qrsdp-token": server.token });
  try {
    const locked = await del("locked");
    assert.equal(locked.status, 409, locked.body);
    assert.match(locked.body, /run 'locked' is in use by another run/);
    const notes = await del("notes");
    assert.equal(notes.status, 409, notes.body);
    assert.match(notes.body, /holds NOTES.txt, which is not a run's file; nothing was removed/);
    const sub = await del("sub");
    assert.equal(sub.status, 409, sub.body);
    assert.match(sub.body, /holds sub\b/);
    for (const id of ["locked", "notes", "sub"]) {
      assert.ok(Deno.statSync(`${data}/${id}/2026-01-02.qrsdp`).isFile, id);
      assert.ok(Deno.statSync(`${data}/${id}/manifest.json`).isFile, id);
    }
    assert.equal(Deno.readTextFileSync(`${data}/notes/NOTES.txt`), "mine");
    assert.equal(Deno.readTextFileSync(`${data}/sub/sub/keep`), "mine");
    assert.equal((await del("plain")).status, 204);
    assert.throws(() => Deno.statSync(`${data}/plain`), Deno.errors.NotFound);
    // Once the other run is over, its directory can go.
    lock.close();
    assert.equal((await del("locked")).status, 204);
    assert.throws(() => Deno.statSync(`${data}/locked`), Deno.errors.NotFound);
  } finally {
    await stopped(server);
  }
});

async function du(dir: string): Promise<number> {
  let total = 0;
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    total += e.isDirectory ? await du(path) : (await Deno.lstat(path)).size;
  }
  return total;
}

Deno.test("serve: 50 concurrent maximal POSTs are bounded, and the server goes on answering", async () => {
  const data = tempDir("serve_limits");
  const server = await startDashboard([
    "serve",
    "--data",
    data,
    "--port",
    "0",
    "--max-simulations",
    "3",
    "--max-events",
    "1500000",
    "--max-server-events",
    "2000000",
    "--max-disk-mb",
    "40",
  ]);
  const headers = { ...JSON_TYPE, "x-qrsdp-token": server.token };
  const post = (body: unknown) =>
    fetch(`${server.url}api/simulations`, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
  // Within 1 s while the server is at its busiest: a real bound, far above what it takes.
  const presets = async () => {
    const res = await fetch(`${server.url}api/presets`, { signal: AbortSignal.timeout(1000) });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  };
  try {
    const symbols = Array.from({ length: 45 }, (_, i) => `S${i}`).join(",");
    const maximal = { symbol: symbols, p0: 100, days: 252, sessionSeconds: 23400 };
    const pending = Array.from({ length: 50 }, (_, i) =>
      post(
        i % 2
          ? { ...maximal, seed: i }
          : { symbol: `FIT${i}`, p0: 100, days: 2, sessionSeconds: 3600, seed: i },
      ));
    await presets();
    const answers = await Promise.all(pending);
    const by = (s: number) => answers.filter((a) => a.status === s);
    assert.equal(by(413).length, 25, JSON.stringify(answers.map((a) => a.status)));
    assert.match(by(413)[0].body.error, /at most 1,500,000 events/);
    assert.equal(by(201).length, 2);
    assert.equal(by(429).length, 23);
    assert.match(by(429).map((a) => a.body.error).join("\n"), /the server's 2,000,000/);
    const running = by(201).map((a) => a.body.id);
    // Both simulations are generating (in workers): the server still answers at once.
    for (let i = 0; i < 5; i++) await presets();
    for (const id of running) {
      for (;;) {
        const r = await (await fetch(`${server.url}api/runs/${id}`)).json();
        await presets();
        if (r.status !== "running") {
          assert.equal(r.status, "done", JSON.stringify(r));
          break;
        }
      }
    }
    assert.ok(await du(data) <= 40 * 2 ** 20, String(await du(data)));
    assert.deepEqual(
      [...Deno.readDirSync(data)].map((e) => e.name).sort(),
      running.sort(),
    );
    // Once they are done, there is room again.
    assert.equal(
      (await post({ symbol: "AGAIN", p0: 100, days: 1, sessionSeconds: 3600 })).status,
      201,
    );
  } finally {
    await stopped(server);
  }
});

Deno.test("serve: a body past its limit is 413, unread", async () => {
  const data = tempDir("serve_body");
  const server = await startDashboard(["serve", "--data", data, "--port", "0"]);
  const headers = { ...JSON_TYPE, "x-qrsdp-token": server.token };
  try {
    const big = JSON.stringify({ symbol: "X", p0: 1, days: 1, pad: "x".repeat(1 << 20) });
    const sized = await raw(server.url, "POST", "/api/simulations", headers, big);
    assert.equal(sized.status, 413, sized.body);
    assert.match(sized.body, /at most 65536 bytes/);
    // The same without a length: the body streams in until it passes the limit.
    const streamed = await fetch(`${server.url}api/simulations`, {
      method: "POST",
      headers,
      body: new Blob([big]).stream(),
    });
    assert.equal(streamed.status, 413);
    await streamed.body?.cancel();
    assert.deepEqual([...Deno.readDirSync(data)], []);
  } finally {
    await stopped(server);
  }
});

Deno.test("serve: errors name the flag or field at fault", async () => {
  for (
    const [args, message] of [
      [["--host", "999.1.1.1"], /^qrsdp serve: --host: '999\.1\.1\.1' is not an IP address/],
      // Empty values are refused by the flag layer for every text flag, naming the flag.
      [["--host", ""], /^qrsdp serve: --host: the value is empty\n$/],
      [["--host", "no such host"], /--host: /],
      [["--data", "/"], /--data: '\/' is the filesystem root/],
      [["--data", ""], /^qrsdp serve: --data: the value is empty\n$/],
    ] as const
  ) {
    const res = await runCli(["serve", ...args, "--port", "0"]);
    assert.equal(res.code, 2, `${args.join(" ")}: ${res.stderr}`);
    assert.match(res.stderr, message);
    assert.doesNotMatch(res.stderr, /--port/);
  }
  const data = tempDir("serve_names");
  const server = await startDashboard(["serve", "--data", data, "--port", "0"]);
  const headers = { ...JSON_TYPE, "x-qrsdp-token": server.token };
  const post = async (symbol: string) => {
    const res = await fetch(`${server.url}api/simulations`, {
      method: "POST",
      headers,
      body: JSON.stringify({ symbol, p0: 100, days: 1, sessionSeconds: 3600, seed: 1 }),
    });
    return { status: res.status, body: await res.json() };
  };
  try {
    // Symbols a run id could not start with, or too many for one name, still make a run.
    assert.equal((await post("-A")).body.id, "A-1");
    const many = Array.from({ length: 12 }, (_, i) => `LONGSYMBOL${i}`).join(",");
    const created = await post(many);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (const bad of ["a/b", "", "..", "TOO-LONG-A-SYMBOL-NAME"]) {
      const res = await post(bad);
      assert.equal(res.status, 400);
      assert.match(res.body.error, /^symbol: /);
    }
  } finally {
    await stopped(server);
  }
});

Deno.test("serve: a run's simulation.json is checked before use, and a bad one is named, not run", async () => {
  const data = tempDir("serve_plan");
  const plan = {
    symbols: ["X"],
    p0Ticks: [100],
    days: '<img src=x onerror="alert(1)">',
    sessionSeconds: 3600,
    seed: 1,
    startDate: "2026-01-02",
    levels: 5,
  };
  Deno.mkdirSync(`${data}/xss`);
  Deno.writeTextFileSync(`${data}/xss/simulation.json`, JSON.stringify({ plan }));
  Deno.mkdirSync(`${data}/broken`);
  Deno.writeTextFileSync(`${data}/broken/simulation.json`, "{");
  const server = await startDashboard(["serve", "--data", data, "--port", "0"]);
  try {
    const one = await raw(server.url, "GET", "/api/runs/xss");
    assert.equal(one.status, 422, one.body);
    assert.equal(
      JSON.parse(one.body).error,
      `run 'xss': simulation.json: plan.days: "<img src=x onerror=\\"alert(1)\\">" is not a whole number from 0 to 100000`,
    );
    assert.equal((await raw(server.url, "GET", "/api/runs/xss/analysis")).status, 422);
    const broken = await raw(server.url, "GET", "/api/runs/broken");
    assert.match(JSON.parse(broken.body).error, /^run 'broken': simulation\.json: not JSON/);
    const list = JSON.parse((await raw(server.url, "GET", "/api/runs")).body).runs;
    assert.deepEqual(list.map((r: { id: string; status: string }) => `${r.id} ${r.status}`), [
      "broken failed",
      "xss failed",
    ]);
    assert.equal(list[1].days, undefined);
    assert.doesNotMatch(server.stderr(), /\n\s+at /);
  } finally {
    await stopped(server);
  }
});

Deno.test("serve: fifty replays at full speed leave the server answering", async () => {
  const data = tempDir("serve_replays");
  await made(`${data}/busy`, ["--seconds", "1800"]);
  const server = await startDashboard(["serve", "--data", data, "--port", "0"]);
  try {
    const run = await (await fetch(`${server.url}api/runs/busy`)).json();
    let ended = 0;
    const started: Promise<void>[] = [];
    const streams = Array.from({ length: 50 }, () => {
      const ws = new WebSocket(
        `${server.url.replace("http", "ws")}api/runs/busy/stream?speed=100000`,
      );
      const first = Promise.withResolvers<void>();
      started.push(first.promise);
      let last = 0;
      return new Promise<number>((resolve, reject) => {
        // Read without parsing all: this process has fifty streams to keep up with.
        ws.onmessage = (e) => {
          const text = String(e.data);
          if (text.startsWith('{"type":"tick"')) {
            first.resolve();
            last = Number(/"securities":\[\{[^}]*"events":(\d+)/.exec(text)![1]);
          }
        };
        ws.onerror = (e) => reject(new Error(`stream failed: ${(e as ErrorEvent).message}`));
        ws.onclose = () => {
          ended++;
          resolve(last);
        };
      });
    });
    await Promise.all(started);
    // Every stream is replaying: each request is answered within 1 s all the same.
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.url}api/presets`, { signal: AbortSignal.timeout(1000) });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    assert.ok(ended < 50, "the streams were still going");
    // And each replayed the whole run.
    for (const events of await Promise.all(streams)) assert.equal(events, run.events);
  } finally {
    await stopped(server);
  }
});

Deno.test("serve: listing many runs lets other requests through", async () => {
  const data = tempDir("serve_many");
  await made(`${data}/r000`, ["--seconds", "10"]);
  for (let i = 1; i < 400; i++) {
    const dir = `${data}/r${String(i).padStart(3, "0")}`;
    Deno.mkdirSync(dir);
    for (const f of ["manifest.json", "2026-01-02.qrsdp"]) {
      Deno.copyFileSync(`${data}/r000/${f}`, `${dir}/${f}`);
    }
  }
  const server = await startDashboard(["serve", "--data", data, "--port", "0"]);
  try {
    const order: string[] = [];
    const get = (path: string) =>
      fetch(`${server.url}api/${path}`).then(async (r) => {
        assert.equal(r.status, 200);
        const body = await r.json();
        order.push(path);
        return body;
      });
    const [runs] = await Promise.all([get("runs"), get("presets")]);
    assert.equal(runs.runs.length, 400);
    assert.ok(runs.runs.every((r: { status: string }) => r.status === "done"));
    // The first listing reads 400 manifests; the presets, asked second, come first.
    assert.deepEqual(order, ["presets", "runs"]);
  } finally {
    await stopped(server);
  }
});

Deno.test("serve: damaged sessions are shown damaged, and a run stopped by SIGINT stopped", async () => {
  const data = tempDir("serve_damaged");
  for (const id of ["flipped", "torn", "sound"]) await made(`${data}/${id}`, ["--seconds", "600"]);
  const flip = `${data}/flipped/2026-01-02.qrsdp`;
  const bytes = Deno.readFileSync(flip);
  bytes[Math.floor(bytes.length / 2)] ^= 0xff;
  Deno.writeFileSync(flip, bytes);
  const torn = `${data}/torn/2026-01-02.qrsdp`;
  Deno.truncateSync(torn, Math.floor(Deno.statSync(torn).size / 2));
  // A run of three long days, stopped by SIGINT once its first session is under way.
  const child = spawnCli(["run", "--days", "3", "--output", `${data}/interrupted`, "--quiet"]);
  const drained = Promise.all([
    child.stdout.pipeTo(new WritableStream()),
    child.stderr.pipeTo(new WritableStream()),
  ]);
  for (;;) {
    try {
      const m = JSON.parse(Deno.readTextFileSync(`${data}/interrupted/manifest.json`));
      if (m.sessions.length > 0) break;
    } catch {
      // Not written yet.
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGINT");
  assert.equal((await child.status).code, 0);
  await drained;

  const server = await startDashboard(["serve", "--data", data, "--port", "0"]);
  try {
    const runs = JSON.parse((await raw(server.url, "GET", "/api/runs")).body).runs;
    const status = Object.fromEntries(
      runs.map((
        r: { id: string; status: string; error?: string },
      ) => [r.id, `${r.status} ${r.error ?? ""}`]),
    );
    assert.match(
      status.flipped,
      /^damaged 2026-01-02\.qrsdp: byte \d+: chunk \d+: fails its checksum/,
    );
    assert.match(status.torn, /^damaged 2026-01-02\.qrsdp: /);
    assert.equal(status.sound, "done ");
    assert.equal(status.interrupted, "stopped ");
    const analysis = await raw(server.url, "GET", "/api/runs/flipped/analysis");
    assert.equal(analysis.status, 422);
    assert.match(analysis.body, /is damaged \(byte \d+: chunk \d+: fails its checksum/);
    const detail = JSON.parse((await raw(server.url, "GET", "/api/runs/interrupted")).body);
    assert.equal(detail.sessions[0].sessions[0].stopped, true);
  } finally {
    await stopped(server);
  }
});

Deno.test("serve: a silent connection is closed after --idle-timeout; a paused replay is not", async () => {
  const data = tempDir("serve_idle");
  await made(`${data}/run_1`);
  const server = await startDashboard([
    "serve",
    "--data",
    data,
    "--port",
    "0",
    "--idle-timeout",
    "1",
  ]);
  try {
    const u = new URL(server.url);
    // Half a request, then nothing: the server hangs up.
    const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
    await conn.write(new TextEncoder().encode(`GET /api/presets HTTP/1.1\r\nHost: ${u.host}\r\n`));
    const gone = conn.read(new Uint8Array(1024));
    const limit = new Promise<"open">((r) => setTimeout(() => r("open"), 30_000));
    const first = await Promise.race([gone, limit]);
    assert.equal(first, null, "the connection was closed by the server");
    conn.close();
    // A replay paused for three idle times is still there when it is resumed.
    const ws = new WebSocket(`${server.url.replace("http", "ws")}api/runs/run_1/stream?speed=1`);
    let ticks = 0;
    const resumed = Promise.withResolvers<void>();
    const closed = Promise.withResolvers<void>();
    ws.onclose = () => closed.resolve();
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data));
      if (m.type === "hello") ws.send(JSON.stringify({ type: "pause" }));
      if (m.type === "tick" && ++ticks > 0 && m.t > 0) resumed.resolve();
    };
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(ws.readyState, WebSocket.OPEN);
    ws.send(JSON.stringify({ type: "resume" }));
    await resumed.promise;
    ws.close();
    await closed.promise;
  } finally {
    await stopped(server);
  }
});
