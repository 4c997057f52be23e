import { readManifest } from "../format/manifest.ts";
import type { ManifestSession } from "../format/manifest.ts";
import { INDEX_MAGIC, INDEX_TAIL_SIZE } from "../format/header.ts";
import { LogReader } from "../format/log_reader.ts";
import { readU64 } from "../format/record.ts";
import { nextTradingDay } from "../run/calendar.ts";
import type { CalendarName } from "../run/calendar.ts";

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

export type RunStatus = "running" | "done" | "stopped" | "failed";

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
}

/** A run generated in this process, while it is generated and after. */
export interface ActiveRun {
  plan: RunPlan;
  running: boolean;
  error?: string;
  /** Events of the sessions in progress, per security. */
  partial: number[];
}

export class NotFound extends Error {}
export class BadRequest extends Error {}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** A run id is the plain name of its directory: no separators, no leading dot. */
export function isRunId(text: string): boolean {
  return RUN_ID.test(text);
}
export const META_FILE = "simulation.json";

/**
 * The run directories under one data directory. Nothing outside it is ever opened: run ids are
 * plain names, and every path (also those a manifest names) must resolve inside it.
 */
export class Catalog {
  readonly root: string;
  readonly active = new Map<string, ActiveRun>();
  private readonly counts = new Map<string, { stamp: string; n: number }>();

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

  ids(): string[] {
    const out: string[] = [];
    for (const e of Deno.readDirSync(this.root)) {
      if (e.isDirectory && RUN_ID.test(e.name) && this.exists(e.name)) out.push(e.name);
    }
    for (const id of this.active.keys()) if (!out.includes(id)) out.push(id);
    return out.sort();
  }

  plan(id: string): RunPlan {
    const active = this.active.get(id);
    if (active) return active.plan;
    const dir = this.dir(id);
    if (this.hasFile(id, META_FILE)) {
      try {
        const plan = JSON.parse(Deno.readTextFileSync(`${dir}/${META_FILE}`)).plan;
        if (Array.isArray(plan?.symbols) && Array.isArray(plan?.p0Ticks)) return plan;
      } catch {
        // An unreadable simulation.json: the manifest says the rest.
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
        path: this.fileInside(dir, s.file),
        // A session being written (or left incomplete) is listed before its file exists.
        complete: s.in_progress !== true,
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
    for (const s of sessions) {
      for (const x of s) if (x.complete) events += this.recordCount(x.path);
    }
    for (const n of active?.partial ?? []) events += n;
    const daysDone = sessions.length
      ? Math.min(...sessions.map((s) => s.filter((x) => x.complete).length))
      : 0;
    const status: RunStatus = active?.running
      ? "running"
      : error
      ? "failed"
      : plan.days !== 0 && daysDone >= plan.days
      ? "done"
      : "stopped";
    return { id, ...plan, status, daysDone, events, ...(error ? { error } : {}) };
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

  private fileInside(dir: string, file: string): string {
    if (typeof file !== "string" || file.startsWith("/") || file.split("/").includes("..")) {
      throw new NotFound(`the manifest names a file outside the run: ${file}`);
    }
    return this.inside(`${dir}/${file}`);
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
