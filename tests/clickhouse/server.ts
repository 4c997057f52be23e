/** Starts chdb_http.py (ClickHouse's HTTP interface over chdb; its docstring says what it speaks). */
const HERE = new URL(".", import.meta.url).pathname;
const PYTHON = `${HERE}.venv/bin/python`;

export interface ChdbServer {
  url: string;
  host: string;
  port: number;
  /** What the adapter wrote to stderr so far (chdb's own logging), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/** Creates the venv with the pinned chdb on first use (setup.sh returns at once afterwards). */
export async function ensureChdb(): Promise<void> {
  const out = await new Deno.Command("bash", {
    args: [`${HERE}setup.sh`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(`tests/clickhouse/setup.sh failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
}

export async function startChdbServer(): Promise<ChdbServer> {
  await ensureChdb();
  const child = new Deno.Command(PYTHON, {
    args: [`${HERE}chdb_http.py`, "--port", "0"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const drainErr = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      stderr = (stderr + chunk).slice(-20_000);
    }
  })();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let first = "";
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  while (!first.includes("\n")) {
    const { value, done } = await lines.read();
    if (done) break;
    first += value;
  }
  clearTimeout(timer);
  const drainOut = (async () => {
    while (!(await lines.read()).done);
  })();
  const port = Number(/listening on (\d+)/.exec(first)?.[1]);
  if (!port) {
    await Promise.all([child.status, drainErr, drainOut]);
    throw new Error(`chdb_http.py did not start: ${first}\n${stderr}`);
  }
  const host = "127.0.0.1";
  const url = `http://${host}:${port}`;
  let stopped: Promise<void> | null = null;
  const server = {
    url,
    host,
    port,
    log: () => stderr,
    stop() {
      stopped ??= (async () => {
        child.kill("SIGTERM");
        const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await child.status;
        clearTimeout(kill);
        await Promise.all([drainErr, drainOut]);
      })();
      return stopped;
    },
  };
  const pong = await fetch(`${url}/ping`).then((r) => r.text()).catch((e) => String(e));
  if (pong !== "Ok.\n") {
    await server.stop();
    throw new Error(`chdb_http.py /ping answered ${JSON.stringify(pong)}\n${stderr}`);
  }
  return server;
}

/** Runs SQL on the adapter over plain HTTP; `data` makes it an INSERT ... FORMAT with that body. */
export async function chQuery(
  server: ChdbServer,
  sql: string,
  data?: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const res = data
    ? await fetch(`${server.url}/?query=${encodeURIComponent(sql)}`, { method: "POST", body: data })
    : await fetch(`${server.url}/`, { method: "POST", body: sql });
  const text = await res.text();
  if (!res.ok) throw new Error(`${sql.slice(0, 80)}: ${text}`);
  return text;
}
