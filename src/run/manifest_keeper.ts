import { toJson } from "../core/json.ts";
import { buildManifest, writeManifestText } from "../format/manifest.ts";
import type { ManifestSession, RunSettings, SecuritySessions } from "../format/manifest.ts";
import type { SessionStart } from "./security_run.ts";

/** Day ends not yet on disk are written within this time (or with the next forced write). */
const LAZY_MS = 250;
/** Sessions listed ahead at least, when a session begins that is not listed yet. */
const MIN_AHEAD = 64;

const SLOT = "\u0000securities\u0000";

/**
 * Keeps `manifest.json` current during a run at a cost that does not grow with the square of the
 * securities (rewriting the whole manifest at every session's start and end did: 2,000
 * securities took 50 s for a one-second session each).
 *
 * - A session that begins is listed (`"in_progress": true`) before `begin` returns, so that no
 *   file is ever on disk unlisted. When `ahead` says which sessions come next (a batch run's
 *   queue), the write lists as many more as are listed already (64 at least), so there are only
 *   logarithmically many such writes; those never begun are removed by `finish`.
 * - A session's end (the mark removed) is written within LAZY_MS, or with the next write.
 * - Each security's part of the text is kept and made again only when its sessions change.
 *
 * The final manifest is byte for byte the one the whole rewrite made.
 */
export class ManifestKeeper {
  /** The sessions of each security of the manifest, in its order. */
  private readonly sessions: ManifestSession[][];
  /** A security's place in the manifest, by its index in the run (a shard lists only its own). */
  private readonly slots: Map<number, number>;
  private readonly begun = new WeakSet<ManifestSession>();
  private readonly parts: (string | null)[];
  private dirty = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private listed = 0;

  constructor(
    private readonly dir: string,
    private readonly settings: RunSettings,
    private readonly securities: { index: number; symbol: string | null; p0Ticks: number }[],
    private readonly onError: (e: unknown) => void,
    /** The next `n` sessions to begin, when they are known in advance. */
    private readonly ahead?: (n: number) => SessionStart[],
  ) {
    this.slots = new Map(securities.map((s, slot) => [s.index, slot]));
    this.sessions = securities.map(() => []);
    this.parts = securities.map(() => null);
    this.write();
  }

  /** The session starts: on return, the manifest on disk lists it. */
  begin(start: SessionStart): void {
    const found = this.find(start.securityIndex, start.file);
    if (found) {
      this.begun.add(found);
      return;
    }
    this.add(start, true);
    for (const next of this.ahead?.(Math.max(MIN_AHEAD, this.listed)) ?? []) {
      if (!this.find(next.securityIndex, next.file)) this.add(next, false);
    }
    this.write();
  }

  /**
   * The session ended; `complete` false keeps it marked `in_progress` (a file that failed to be
   * written: it may be cut short, which says more than `stopped`, and its disk may be full), and
   * `stopped` marks a file that is whole but whose session a stop cut short.
   */
  end(securityIndex: number, file: string, complete: boolean, stopped = false): void {
    const s = this.find(securityIndex, file);
    if (!s || !s.in_progress || !complete) return;
    delete s.in_progress;
    if (stopped) s.stopped = true;
    this.changed(this.slots.get(securityIndex)!);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      try {
        this.write();
      } catch (e) {
        this.onError(e);
      }
    }, LAZY_MS);
  }

  /** The run is over: sessions listed ahead that never began are dropped, and all is written. */
  finish(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sessions.forEach((list, i) => {
      const kept = list.filter((s) => this.begun.has(s));
      if (kept.length === list.length) return;
      this.sessions[i] = kept;
      this.changed(i);
    });
    this.write();
  }

  private find(securityIndex: number, file: string): ManifestSession | undefined {
    const list = this.sessions[this.slots.get(securityIndex)!];
    // The session looked for is nearly always the last or one of the last.
    for (let i = list.length - 1; i >= 0; i--) if (list[i].file === file) return list[i];
    return undefined;
  }

  private add(start: SessionStart, begun: boolean): void {
    const s: ManifestSession = {
      date: start.date,
      seed: start.seed,
      file: start.file,
      in_progress: true,
    };
    if (begun) this.begun.add(s);
    const slot = this.slots.get(start.securityIndex)!;
    this.sessions[slot].push(s);
    this.listed++;
    this.changed(slot);
  }

  private changed(slot: number): void {
    this.parts[slot] = null;
    this.dirty = true;
  }

  private write(): void {
    if (!this.dirty && this.listed > 0) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    writeManifestText(this.dir, this.text());
    this.dirty = false;
  }

  /** The text `manifestJson(buildManifest(...))` gives, from each security's kept part. */
  private text(): string {
    const all = (sessions: (i: number) => ManifestSession[]) =>
      buildManifest(
        this.settings,
        this.securities.map((s, i): SecuritySessions => ({
          symbol: s.symbol,
          p0Ticks: s.p0Ticks,
          sessions: sessions(i),
        })),
      );
    const single = this.securities.length === 1 && this.securities[0].symbol === null;
    if (single) return toJson(all((i) => this.sessions[i]), 2) + "\n";
    const shell = all(() => []) as { securities: unknown[] };
    const parts = shell.securities.map((security, i) =>
      this.parts[i] ??= toJson({ ...security as object, sessions: this.sessions[i] }, 2)
        .replaceAll("\n", "\n    ")
    );
    const top = toJson({ ...shell, securities: [SLOT] }, 2);
    return top.replace(JSON.stringify(SLOT), () => parts.join(",\n    ")) + "\n";
  }
}
