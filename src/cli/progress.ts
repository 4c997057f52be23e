import { daySeconds, ownedSecurities } from "../run/config.ts";
import type { RunConfig } from "../run/config.ts";
import type { DayReport, SecurityProgress } from "../run/security_run.ts";
import { progressLine } from "./progress_line.ts";
import type { ProgressView } from "./progress_line.ts";

const REDRAW_MS = 250;

/** The terminal's width, or 80 when it cannot be known. */
export function terminalWidth(): number {
  try {
    return Deno.consoleSize().columns || 80;
  } catch {
    return 80;
  }
}

interface SecurityState {
  day: number;
  clockNs: number | null;
  /** Events of the day in hand. */
  events: number;
  /** Events of the days finished. */
  done: number;
  /** Length of the day in hand (shorter on an early close). */
  seconds: number;
}

/**
 * The status line of `qrsdp run` on a terminal's stderr: redrawn in place four times a second,
 * never wider than the terminal. Per-day lines are printed between redraws after `clear()`.
 */
export class Progress {
  /** The securities this process runs (all, or its --shard's), by index. */
  private readonly states: Map<number, SecurityState>;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly encoder = new TextEncoder();
  private readonly started = performance.now();
  private drawn = false;

  constructor(
    private readonly cfg: RunConfig,
    private readonly write: (bytes: Uint8Array) => void = (b) => void Deno.stderr.writeSync(b),
    private readonly width: () => number = terminalWidth,
  ) {
    this.states = new Map(
      ownedSecurities(cfg).map((i) => [i, {
        day: 0,
        clockNs: null,
        events: 0,
        done: 0,
        seconds: cfg.session.seconds,
      }]),
    );
    this.timer = setInterval(() => this.draw(), REDRAW_MS);
  }

  update(p: SecurityProgress): void {
    const s = this.states.get(p.securityIndex)!;
    // Days are counted from the run's first (--first-day).
    s.day = p.day - (this.cfg.session.firstDay ?? 0);
    s.clockNs = p.clockNs;
    s.events = p.events;
    s.seconds = daySeconds(this.cfg, p.date);
  }

  dayDone(d: DayReport): void {
    const s = this.states.get(d.securityIndex)!;
    s.done += d.events;
    s.events = 0;
    s.clockNs = this.closeNs();
  }

  clear(): void {
    if (this.drawn) this.write(this.encoder.encode("\r\x1b[K"));
    this.drawn = false;
  }

  stop(): void {
    clearInterval(this.timer);
    this.clear();
  }

  /** What the line shows now (the security furthest behind gives the day and clock). */
  view(now = performance.now()): ProgressView {
    const { session } = this.cfg;
    const openNs = session.marketOpenSeconds * 1e9;
    const states = [...this.states.values()];
    const behind = states.reduce((a, b) =>
      b.day < a.day || (b.day === a.day && (b.clockNs ?? 0) < (a.clockNs ?? 0)) ? b : a
    );
    const events = states.reduce((n, s) => n + s.done + s.events, 0);
    const shares: number[] = [];
    if (session.days > 0) {
      const dayShare = (s: SecurityState) =>
        s.clockNs === null ? 0 : Math.min(Math.max((s.clockNs - openNs) / (s.seconds * 1e9), 0), 1);
      const done = states.reduce((n, s) => n + s.day + dayShare(s), 0);
      shares.push(done / (states.length * session.days));
    }
    if (session.maxEvents !== null) shares.push(events / session.maxEvents);
    return {
      symbols: [...this.states.keys()].map((i) => this.cfg.securities[i].symbol),
      day: behind.day + 1,
      days: session.days,
      // A security that has not reached its first event yet stands at the open.
      clockNs: behind.clockNs ?? openNs,
      events,
      elapsedSeconds: (now - this.started) / 1000,
      fraction: shares.length ? Math.min(Math.max(...shares), 1) : null,
    };
  }

  private closeNs(): number {
    return (this.cfg.session.marketOpenSeconds + this.cfg.session.seconds) * 1e9;
  }

  private draw(): void {
    // Nothing to show before the first event of any security.
    if ([...this.states.values()].every((s) => s.clockNs === null)) return;
    const line = progressLine(this.view(), this.width());
    this.write(this.encoder.encode(`\r\x1b[K${line}`));
    this.drawn = true;
  }
}
