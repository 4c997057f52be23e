import { DataError } from "../core/errors.ts";
import { redact, secretsFrom } from "../core/redact.ts";
import { analyseInWorker } from "./analysis_worker.ts";
import { compareStats } from "../calibrate/realism_compare.ts";
import { fileSource, realDataFiles } from "./compare_sources.ts";
import type { CompareSource } from "./compare_sources.ts";
import { realismInWorker } from "./realism_worker.ts";
import type { Realism } from "./realism_worker.ts";
import { Catalog } from "./catalog.ts";
import { ASSETS } from "./assets.ts";
import {
  allowedHosts,
  hostAllowed,
  isMutating,
  newToken,
  SECURITY_HEADERS,
  TOKEN_HEADER,
  tokenMatches,
} from "./guard.ts";
import { BadRequest, HttpError, NotFound } from "./http_error.ts";
import { PRESETS } from "./presets.ts";
import { MAX_SPEED, MIN_SPEED, ReplayStream } from "./replay_stream.ts";
import type { Control } from "./replay_stream.ts";
import { MAX_DAYS, SESSION_LENGTHS, Simulations } from "./simulations.ts";
import type { Limits } from "./limits.ts";
import { openFront } from "./front.ts";
import type { Front } from "./front.ts";
import type { RunConfig } from "../run/config.ts";
import { Memo } from "./memo.ts";

/** The platform's view from ClickHouse, or null when ClickHouse is not configured. */
export type PlatformView = () => Promise<unknown>;

export interface ServerOptions {
  dataDir: string;
  hostname: string;
  port: number;
  baseConfig: (output: string) => RunConfig;
  workerUrl?: string | URL;
  platform?: PlatformView | null;
  /** The run `qrsdp run --serve` is generating: the page opens on it. */
  liveRun?: string;
  catalog?: Catalog;
  /** Never in a response, in any form; by default the passwords of this process's environment. */
  secrets?: string[];
  limits?: Limits;
  /** A connection with no byte either way for this long is closed (WebSockets are pinged). */
  idleSeconds?: number;
  maxConnections?: number;
}

export const DEFAULT_IDLE_SECONDS = 60;
const MAX_CONNECTIONS = 512;
/** Analyses and realism reports kept for the requests that follow. */
const MEMO_LIMIT = 64;

/** A create request is a few hundred bytes; anything far larger is refused unread. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The body as text, refused (413) past `limit` bytes whether or not its length was announced. */
async function readBody(req: Request, limit: number): Promise<string> {
  const tooLarge = () => new HttpError(413, `the body may be at most ${limit} bytes`);
  if (Number(req.headers.get("content-length") ?? 0) > limit) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    for await (const chunk of req.body) {
      size += chunk.length;
      if (size > limit) throw tooLarge();
      chunks.push(chunk);
    }
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}

export interface Server {
  url: string;
  /** What every mutating request must carry in the x-qrsdp-token header. */
  token: string;
  catalog: Catalog;
  simulations: Simulations;
  close(): Promise<void>;
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });

const error = (status: number, message: string) => json({ error: message }, status);

function sameOrigin(origin: string, host: string | null): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** The dashboard's HTTP server: embedded page, JSON API and the WebSocket replay stream. */
export function startServer(opts: ServerOptions): Promise<Server> {
  const catalog = opts.catalog ?? new Catalog(opts.dataDir);
  const simulations = new Simulations(catalog, opts.baseConfig, opts.workerUrl, opts.limits);
  const streams = new Set<ReplayStream>();
  /** Analyses by file, size and modification time; concurrent requests share one. */
  const analyses = new Memo<string>(MEMO_LIMIT);

  /** A complete, undamaged session of a run: the security's (the first) on the date (its first). */
  const session = (id: string, symbol: string | null, date: string | null) => {
    const plan = catalog.plan(id);
    const sessions = catalog.sessions(id);
    const i = symbol === null ? 0 : plan.symbols.indexOf(symbol);
    if (i < 0) throw new NotFound(`no security '${symbol}' in run '${id}'`);
    const day = date ?? sessions[i][0]?.date;
    const ref = sessions[i].find((s) => s.date === day);
    if (!ref) throw new NotFound(`no session ${day ?? ""} in run '${id}'`);
    if (!ref.complete) throw new HttpError(409, `the session ${day} is still being generated`);
    const damage = catalog.damage(ref.path);
    if (damage) throw new HttpError(422, `the session ${day} is damaged (${damage}): not analysed`);
    return { plan, sessions, i, ref };
  };

  const analysis = async (id: string, url: URL): Promise<Response> => {
    const { plan, sessions, i, ref } = session(
      id,
      url.searchParams.get("symbol"),
      url.searchParams.get("date"),
    );
    const st = Deno.statSync(ref.path);
    const stamp = `${ref.path}:${st.size}:${st.mtime?.getTime()}`;
    const body = analyses.get(
      stamp,
      () =>
        analyseInWorker(ref.path, ref.date, opts.workerUrl).then((a) =>
          JSON.stringify({
            run: id,
            symbol: plan.symbols[i],
            symbols: plan.symbols,
            dates: sessions[i].filter((s) => s.complete).map((s) => s.date),
            ...a,
          })
        ),
    );
    return new Response(await body, { headers: { "content-type": "application/json" } });
  };

  /** Realism figures by source and its files' sizes and times; concurrent requests share one. */
  const realisms = new Memo<Realism>(MEMO_LIMIT);
  const realism = (source: CompareSource, levels: number) => {
    const files = source.kind === "lobster"
      ? source.pairs.flatMap((p) => p.orderbook ? [p.message, p.orderbook] : [p.message])
      : [source.path];
    const stamp = JSON.stringify([
      source,
      levels,
      files.map((f) => {
        const st = Deno.statSync(f);
        return `${st.size}:${st.mtime?.getTime()}`;
      }),
    ]);
    return realisms.get(stamp, () => realismInWorker(source, levels, opts.workerUrl));
  };

  /** The realism report of a session against another run's session or a real-data file. */
  const compare = async (id: string, url: URL): Promise<Response> => {
    const q = url.searchParams;
    const a = session(id, q.get("symbol"), q.get("date"));
    const withRun = q.get("with"), file = q.get("file");
    if ((withRun === null) === (file === null)) {
      throw new BadRequest("give one of with (a run) and file (a real-data file)");
    }
    let source: CompareSource, label: string;
    if (withRun !== null) {
      const b = session(withRun, q.get("withSymbol"), q.get("withDate"));
      source = { kind: "qrsdp", path: b.ref.path };
      label = `${withRun} ${b.plan.symbols[b.i] ?? "DEFAULT"} ${b.ref.date}`;
    } else {
      source = fileSource(file!, q.get("withSymbol"), catalog.root, (p) => catalog.inside(p));
      label = source.kind === "itch" ? `${file} ${source.symbol}` : file!;
    }
    const levels = a.plan.levels;
    let both: Realism[];
    try {
      both = await Promise.all([
        realism({ kind: "qrsdp", path: a.ref.path }, levels),
        realism(source, levels),
      ]);
    } catch (e) {
      throw new HttpError(422, (e as Error).message.replaceAll(`${catalog.root}/`, ""));
    }
    const [sa, sb] = both;
    return json({
      a: { label: `${id} ${a.plan.symbols[a.i] ?? "DEFAULT"} ${a.ref.date}`, stats: sa.stats },
      b: { label, stats: sb.stats, ...(sb.analysis ? { analysis: sb.analysis } : {}) },
      figures: compareStats(sa.stats, sb.stats),
    });
  };

  const runDetail = (id: string) => {
    const plan = catalog.plan(id);
    const sessions = catalog.sessions(id);
    return {
      ...catalog.summary(id),
      sessions: plan.symbols.map((symbol, i) => ({
        symbol,
        sessions: sessions[i].map((s) => {
          const damage = s.complete ? catalog.damage(s.path) : null;
          return {
            date: s.date,
            complete: s.complete,
            events: s.complete ? catalog.recordCount(s.path) : null,
            ...(s.stopped ? { stopped: true } : {}),
            ...(damage ? { damage } : {}),
          };
        }),
      })),
    };
  };

  const stream = (req: Request, id: string, url: URL): Response => {
    catalog.dir(id);
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return error(426, "this is a WebSocket endpoint");
    }
    const speedText = url.searchParams.get("speed") ?? "100";
    const speed = Number(speedText);
    if (!(speedText !== "" && speed >= MIN_SPEED && speed <= MAX_SPEED)) {
      throw new BadRequest(`speed: must be a number from ${MIN_SPEED} to ${MAX_SPEED}`);
    }
    // Pinged twice within the idle time, so that a paused replay is not taken for an idle one.
    const { socket, response } = Deno.upgradeWebSocket(req, {
      idleTimeout: Math.max(1, Math.floor((opts.idleSeconds ?? DEFAULT_IDLE_SECONDS) / 2)),
    });
    const send = (m: unknown) => socket.send(redact(JSON.stringify(m), secrets));
    const replay = new ReplayStream(
      catalog,
      id,
      { speed, live: url.searchParams.get("live") === "1" },
      {
        send: (m) => {
          if (socket.readyState === WebSocket.OPEN) send(m);
        },
        backlog: () => socket.bufferedAmount,
      },
    );
    socket.onopen = () => {
      streams.add(replay);
      replay.run().catch((e) => {
        if (socket.readyState === WebSocket.OPEN) {
          send({ type: "error", message: (e as Error).message });
        }
      }).finally(() => {
        streams.delete(replay);
        if (socket.readyState === WebSocket.OPEN) socket.close(1000, "end of run");
      });
    };
    socket.onmessage = (e) => {
      let message: string | null;
      try {
        const c = JSON.parse(String(e.data)) as Control;
        message = typeof c === "object" && c !== null
          ? replay.control(c)
          : "a message is a JSON object";
      } catch {
        message = "a message is a JSON object";
      }
      if (message) send({ type: "error", message });
    };
    socket.onclose = () => replay.stop();
    return response;
  };

  const api = async (req: Request, url: URL, parts: string[]): Promise<Response> => {
    const [kind, id, sub] = parts;
    // HEAD is answered as GET is, without the body.
    const method = req.method === "HEAD" ? "GET" : req.method;
    if (kind === "presets" && !id && method === "GET") {
      return json({
        presets: PRESETS.map(({ name, description, model, params }) => ({
          name,
          description,
          model,
          params,
        })),
        sessionLengths: SESSION_LENGTHS,
        maxDays: MAX_DAYS,
      });
    }
    if (kind === "live" && !id && method === "GET") return json({ run: opts.liveRun ?? null });
    if (kind === "files" && !id && method === "GET") {
      return json({ files: realDataFiles(catalog.root) });
    }
    if (kind === "platform" && !id && method === "GET") {
      if (!opts.platform) return json({ configured: false });
      try {
        return json({ configured: true, ...(await opts.platform()) as object });
      } catch (e) {
        return json({ configured: true, error: (e as Error).message }, 502);
      }
    }
    if (kind !== "simulations" && kind !== "runs") return error(404, "no such API path");
    if (!id) {
      if (method === "GET") return json({ runs: await catalog.list() });
      if (method === "POST" && kind === "simulations") {
        // A JSON content type makes a browser ask first (CORS preflight) on another site's behalf.
        if (!/^application\/json\b/.test(req.headers.get("content-type") ?? "")) {
          return error(415, "the body must be sent as application/json");
        }
        const text = await readBody(req, MAX_BODY_BYTES);
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw new BadRequest("the body is not JSON");
        }
        const created = await simulations.create(body);
        return json(created, 201, { location: `/api/runs/${created.id}` });
      }
      return error(405, `${method} not allowed here`);
    }
    if (!sub) {
      if (method === "GET") return json(runDetail(id));
      if (method === "DELETE") {
        await simulations.delete(id);
        return new Response(null, { status: 204 });
      }
      return error(405, `${method} not allowed here`);
    }
    if (sub === "analysis" && method === "GET" && parts.length === 3) {
      return await analysis(id, url);
    }
    if (sub === "compare" && method === "GET" && parts.length === 3) {
      return await compare(id, url);
    }
    if (sub === "stream" && method === "GET" && parts.length === 3) return stream(req, id, url);
    return error(404, "no such API path");
  };

  const token = newToken();
  const secrets = opts.secrets ?? secretsFrom((n) => Deno.env.get(n));
  const page = (ASSETS["/index.html"].body as string).replace(
    '<meta name="qrsdp-token" content="">',
    `<meta name="qrsdp-token" content="${token}">`,
  );
  let hosts = new Set<string>();

  const route = async (req: Request, url: URL, path: string): Promise<Response> => {
    if (!hostAllowed(req.headers.get("host"), hosts)) {
      return error(403, "this server answers only to its own address (the Host header is not it)");
    }
    // Pages of other sites may not drive this server from the user's browser.
    const origin = req.headers.get("origin");
    if (origin !== null && !sameOrigin(origin, req.headers.get("host"))) {
      return error(403, `requests from ${origin} are not accepted`);
    }
    if (isMutating(req.method) && !tokenMatches(req.headers.get(TOKEN_HEADER), token)) {
      return error(403, `a request that changes something needs this server's ${TOKEN_HEADER}`);
    }
    try {
      if (path.startsWith("/api/")) return await api(req, url, path.slice(5).split("/"));
      if (req.method !== "GET" && req.method !== "HEAD") return error(405, "not allowed");
      const name = path === "/" ? "/index.html" : path;
      const asset = ASSETS[name];
      if (!asset) return error(404, "not found");
      return new Response(name === "/index.html" ? page : asset.body, {
        headers: { "content-type": asset.type, "cache-control": "no-cache" },
      });
    } catch (e) {
      if (e instanceof HttpError) return error(e.status, e.message);
      // A file of a run that cannot be used: said in one line, its path inside the data directory.
      if (e instanceof DataError) return error(422, e.message.replaceAll(`${catalog.root}/`, ""));
      console.error(`qrsdp serve: ${req.method} ${path}: ${(e as Error).message}`);
      return error(500, (e as Error).message);
    }
  };

  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = "";
    }
    let res = path === "" ? error(400, "malformed path") : await route(req, url, path);
    if (res.status === 101) return res;
    // Every answer passes here: no secret leaves, whatever produced the text.
    if (/^application\/json/.test(res.headers.get("content-type") ?? "")) {
      res = new Response(redact(await res.text(), secrets), res);
    }
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.headers.set(k, v);
    return req.method === "HEAD" ? new Response(null, res) : res;
  };

  // The HTTP server listens on a Unix socket in a directory of its own (mode 0700); the port
  // is the front's, which times idle connections out.
  const idleSeconds = opts.idleSeconds ?? DEFAULT_IDLE_SECONDS;
  const sockets = Deno.makeTempDirSync({ prefix: "qrsdp-serve-" });
  const backend = `${sockets}/http.sock`;
  let front: Front;
  try {
    front = openFront({
      hostname: opts.hostname,
      port: opts.port,
      backend,
      idleMs: idleSeconds * 1000,
      maxConnections: opts.maxConnections ?? MAX_CONNECTIONS,
    });
  } catch (e) {
    Deno.removeSync(sockets, { recursive: true });
    return Promise.reject(e);
  }
  hosts = allowedHosts(opts.hostname, front.port);
  return new Promise((resolve) => {
    const server = Deno.serve({
      transport: "unix",
      path: backend,
      onListen: () => {
        const { hostname, port } = front;
        const host = hostname.includes(":") ? `[${hostname}]` : hostname;
        resolve({
          url: `http://${host}:${port}/`,
          token,
          catalog,
          simulations,
          close: async () => {
            for (const s of streams) s.stop();
            await simulations.stopAll();
            front.close();
            await server.shutdown();
            Deno.removeSync(sockets, { recursive: true });
          },
        });
      },
    }, handler);
  });
}
