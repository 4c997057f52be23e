import { readManifest } from "../format/manifest.ts";
import type { ManifestSession } from "../format/manifest.ts";
import { INDEX_MAGIC, INDEX_TAIL_SIZE } from "../format/header.ts";
import { LogReader } from "../format/log_reader.ts";
import { inspectFile } from "../format/input.ts";
import { DataError } from "../core/errors.ts";
import { readU64 } from "../format/record.ts";
import { nextTradingDay } from "../run/calendar.ts";
import type { CalendarName } from "../run/calendar.ts";
import { readRegularText } from "../core/safe_read.ts";
import { BadRequest, HttpError, NotFound } from "./http_error.ts";
import { checkPlan, PlanError } from "./plan.ts";

/** What a run sets out to do: from `simulation.json`, from a live run, or from its manifest. */
export interface RunPlan {
  /** Null for the one unnamed security of a run without `--securities`. */
  symbols: (string | null)[];
  p0Ticks: number[];
  /** 0: day after day until stopped. */
  days: number;
  sessionSeconds: number;
  seed: number;
  startDate: string;
  levels: number;
  preset?: string;
  /** Above 0, the generator redrew depths the log does not record: a replayed ladder's depths drift. */
  thetaReinit?: number;
  /** Trading days of the run when not weekdays. */
  calendar?: CalendarName;
}

export type RunStatus = "running" | "done" | "stopped" | "damaged" | "failed";

export interface RunSummary extends RunPlan {
  id: string;
  status: RunStatus;
  /** Days every security has finished. */
  daysDone: number;
  events: number;
  error?: string;
}

export interface SessionRef {
  date: string;
  /** Absolute path, checked to lie inside the data directory. */
  path: string;
  /** Listed in the manifest: the file is complete. */
  complete: boolean;
  /** A stop ended the session before its close. */
  stopped?: boolean;
}

/** A run generated in this process, while it is generated and after. */
export interface ActiveRun {
  plan: RunPlan;
  running: boolean;
  error?: string;
  /** Events of the sessions in progress, per security. */
  partial: number[];
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** A run id is the plain name of its directory: no separators, no leading dot. */
export function isRunId(text: string): boolean {
  return RUN_ID.test(text);
}
export const META_FILE = "simulation.json";
/** How long listing runs may hold the thread before it lets other requests in. */
const LIST_SLICE_MS = 5;

/**
 * The run directories under one data directory. Nothing outside it is ever opened: run ids are
 * plain names, and every path (also those a manifest names) must resolve inside it.
 */
export class Catalog {
  readonly root: string;
  readonly active = new Map<string, ActiveRun>();
  private readonly counts = new Map<string, { stamp: string; n: number }>();
  private readonly summaries = new Map<string, { stamp: string; summary: RunSummary }>();
  private readonly damages = new Map<string, { stamp: string; problem: string | null }>();

  constructor(dataDir: string) {
    Deno.mkdirSync(dataDir, { recursive: true });
    this.root = Deno.realPathSync(dataDir);
  }

  /** The directory of run `id`; throws BadRequest for a malformed id, NotFound if absent. */
  dir(id: string, mustExist = true): string {
    if (!RUN_ID.test(id)) throw new BadRequest(`run id '${id}' is not a plain name`);
    const dir = `${this.root}/${id}`;
    if (!mustExist) return dir;
    if (!this.exists(id)) throw new NotFound(`no run '${id}'`);
    this.inside(dir);
    return dir;
  }

  exists(id: string): boolean {
    if (this.active.has(id)) return true;
    try {
      return Deno.statSync(`${this.root}/${id}`).isDirectory &&
        (this.hasFile(id, "manifest.json") || this.hasFile(id, META_FILE));
    } catch {
      return false;
    }
  }

  /** Throws NotFound unless `path` exists and resolves inside the data directory. */
  inside(path: string): string {
    let real: string;
    try {
      real = Deno.realPathSync(path);
    } catch {
      throw new NotFound(`not found: ${path.slice(this.root.length + 1)}`);
    }
    if (real !== this.root && !real.startsWith(this.root + "/")) {
      throw new NotFound(`not found: ${path.slice(this.root.length + 1)}`);
    }
    return real;
  }

  /**
   * Every run's summary (or why it cannot be had), read without holding the thread: it yields
   * to other requests every few milliseconds, and a finished run's summary is kept until its
   * manifest or simulation.json changes.
   */
  async list(): Promise<(RunSummary | { id: string; status: "failed"; error: string })[]> {
    const names = new Set<string>(this.active.keys());
    for await (const e of Deno.readDir(this.root)) {
      if (e.isDirectory && RUN_ID.test(e.name)) names.add(e.name);
    }
    const out = [];
    let slice = performance.now();
    for (const id of [...names].sort()) {
      if (performance.now() - slice > LIST_SLICE_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        slice = performance.now();
      }
      if (!this.exists(id)) continue;
      try {
        out.push(this.cachedSummary(id));
      } catch (e) {
        out.push({ id, status: "failed" as const, error: (e as Error).message });
      }
    }
    return out;
  }

  private cachedSummary(id: string): RunSummary {
    if (this.active.has(id)) return this.summary(id);
    const stamp = ["manifest.json", META_FILE].map((name) => {
      try {
        const st = Deno.statSync(`${this.root}/${id}/${name}`);
        return `${st.size}:${st.mtime?.getTime()}`;
      } catch {
        return "-";
      }
    }).join("/");
    const hit = this.summaries.get(id);
    if (hit?.stamp === stamp) return hit.summary;
    const summary = this.summary(id);
    this.summaries.set(id, { stamp, summary });
    return summary;
  }

  plan(id: string): RunPlan {
    const active = this.active.get(id);
    if (active) return active.plan;
    const dir = this.dir(id);
    const hasManifest = this.hasFile(id, "manifest.json");
    if (this.hasFile(id, META_FILE)) {
      try {
        const text = readRegularText(`${dir}/${META_FILE}`);
        let meta: { plan?: unknown };
        try {
          meta = JSON.parse(text);
        } catch {
          throw new PlanError("not JSON");
        }
        return checkPlan(meta?.plan);
      } catch (e) {
        // A damaged simulation.json: the manifest says the rest, if there is one.
        if (!hasManifest) {
          throw new HttpError(422, `run '${id}': ${META_FILE}: ${(e as Error).message}`);
        }
      }
    }
    const { raw, securities } = readManifest(dir);
    const first = securities[0]?.sessions[0]?.date ?? "2026-01-02";
    return {
      symbols: securities.map((s) => s.symbol),
      p0Ticks: securities.map((s) => s.p0Ticks),
      days: Math.max(0, ...securities.map((s) => s.sessions.length)),
      sessionSeconds: Number(raw.session_seconds),
      seed: Number(raw.base_seed),
      startDate: first,
      levels: Number(
        raw.levels_per_side ??
          (raw.securities as { levels_per_side: number }[])[0]?.levels_per_side ?? 5,
      ),
      ...(Number(raw.theta_reinit) > 0 ? { thetaReinit: Number(raw.theta_reinit) } : {}),
      ...(raw.calendar === "nyse" ? { calendar: "nyse" as const } : {}),
    };
  }

  /** Each security's sessions in date order: those of the manifest, then one being written. */
  sessions(id: string): SessionRef[][] {
    const dir = this.dir(id);
    const plan = this.plan(id);
    let listed: { symbol: string | null; sessions: ManifestSession[] }[] = [];
    if (this.hasFile(id, "manifest.json")) listed = readManifest(dir).securities;
    return plan.symbols.map((symbol) => {
      const found = listed.find((s) => s.symbol === symbol)?.sessions ?? [];
      const out: SessionRef[] = found.map((s) => ({
        date: s.date,
        // A session being written (or left incomplete) is listed before its file exists.
        path: this.fileInside(dir, s.file, s.in_progress === true),
        complete: s.in_progress !== true,
        ...(s.stopped ? { stopped: true } : {}),
      }));
      const planned = plan.days === 0 || out.length < plan.days;
      const writing = out.length > 0 && !out[out.length - 1].complete;
      if (this.active.get(id)?.running && planned && !writing) {
        const date = out.length
          ? nextTradingDay(out[out.length - 1].date, plan.calendar)
          : plan.startDate;
        if (date === null) return out;
        const file = symbol === null ? `${date}.qrsdp` : `${symbol}/${date}.qrsdp`;
        out.push({ date, path: `${dir}/${file}`, complete: false });
      }
      return out;
    });
  }

  summary(id: string): RunSummary {
    const plan = this.plan(id);
    const active = this.active.get(id);
    let sessions: SessionRef[][] = [];
    let error: string | undefined = active?.error;
    try {
      sessions = this.sessions(id);
    } catch (e) {
      error ??= (e as Error).message;
    }
    let events = 0;
    let damage: string | undefined;
    for (const s of sessions) {
      for (const x of s) {
        if (!x.complete) continue;
        events += this.recordCount(x.path);
        const problem = this.damage(x.path);
        if (problem) damage ??= `${x.path.slice(this.root.length + id.length + 2)}: ${problem}`;
      }
    }
    for (const n of active?.partial ?? []) events += n;
    const daysDone = sessions.length
      ? Math.min(...sessions.map((s) => s.filter((x) => x.complete && !x.stopped).length))
      : 0;
    const status: RunStatus = active?.running
      ? "running"
      : error
      ? "failed"
      : damage
      ? "damaged"
      : plan.days !== 0 && daysDone >= plan.days
      ? "done"
      : "stopped";
    error ??= damage;
    return { id, ...plan, status, daysDone, events, ...(error ? { error } : {}) };
  }

  /**
   * What is wrong with a complete file, as `info` checks it (every chunk's checksum and
   * structure, the index), or null when it is sound; kept until its size or time changes.
   */
  damage(path: string): string | null {
    const st = Deno.statSync(path);
    const stamp = `${st.size}:${st.mtime?.getTime()}`;
    const hit = this.damages.get(path);
    if (hit?.stamp === stamp) return hit.problem;
    let problem: string | null;
    try {
      problem = inspectFile(path).check.problems[0] ?? null;
    } catch (e) {
      problem = e instanceof DataError ? e.located : (e as Error).message;
    }
    this.damages.set(path, { stamp, problem });
    return problem;
  }

  /** Records in a complete file, from its index (cached by size and modification time). */
  recordCount(path: string): number {
    const st = Deno.statSync(path);
    const stamp = `${st.size}:${st.mtime?.getTime()}`;
    const hit = this.counts.get(path);
    if (hit?.stamp === stamp) return hit.n;
    const n = indexedCount(path, st.size) ?? walkedCount(path);
    this.counts.set(path, { stamp, n });
    return n;
  }

  private fileInside(dir: string, file: string, mayBeMissing = false): string {
    if (typeof file !== "string" || file.startsWith("/") || file.split("/").includes("..")) {
      throw new NotFound(`the manifest names a file outside the run: ${file}`);
    }
    const path = `${dir}/${file}`;
    try {
      return this.inside(path);
    } catch (e) {
      if (!mayBeMissing || this.present(path)) throw e;
      return path;
    }
  }

  private present(path: string): boolean {
    try {
      Deno.lstatSync(path);
      return true;
    } catch {
      return false;
    }
  }

  private hasFile(id: string, name: string): boolean {
    try {
      return Deno.statSync(`${this.root}/${id}/${name}`).isFile;
    } catch {
      return false;
    }
  }
}

/** The records of a file's complete chunks, from walking its chunk headers. */
function walkedCount(path: string): number {
  const reader = LogReader.open(path);
  try {
    while (reader.next());
    return reader.recordsRead;
  } finally {
    reader.close();
  }
}

/** The record count from a file's index alone (reads the tail), or null without one. */
function indexedCount(path: string, size: number): number | null {
  if (size < 64 + INDEX_TAIL_SIZE) return null;
  const file = Deno.openSync(path);
  try {
    const tail = new Uint8Array(INDEX_TAIL_SIZE);
    file.seekSync(size - INDEX_TAIL_SIZE, Deno.SeekMode.Start);
    if (file.readSync(tail) !== INDEX_TAIL_SIZE) return null;
    const view = new DataView(tail.buffer);
    if (new TextDecoder().decode(tail.subarray(4, 8)) !== INDEX_MAGIC) return null;
    const count = view.getUint32(0, true);
    const start = readU64(view, 8);
    if (start + count * 32 !== size - INDEX_TAIL_SIZE) return null;
    const entries = new Uint8Array(count * 32);
    file.seekSync(start, Deno.SeekMode.Start);
    let got = 0;
    while (got < entries.length) {
      const n = file.readSync(entries.subarray(got));
      if (!n) return null;
      got += n;
    }
    const ev = new DataView(entries.buffer);
    let n = 0;
    for (let i = 0; i < count; i++) n += ev.getUint32(i * 32 + 24, true);
    return n;
  } finally {
    file.close();
  }
}
