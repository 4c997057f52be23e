import type { Security } from "../run/config.ts";
import { thousands } from "./format.ts";

/** A one-line status on stderr, redrawn twice a second, for runs watched on a terminal. */
export class Progress {
  private readonly state: string[];
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly encoder = new TextEncoder();
  private readonly started = performance.now();

  constructor(private readonly securities: Security[]) {
    this.state = securities.map(() => "starting");
    this.timer = setInterval(() => this.draw(), 500);
  }

  update(index: number, date: string, events: number): void {
    this.state[index] = `${date} ${thousands(events)}`;
  }

  clear(): void {
    Deno.stderr.writeSync(this.encoder.encode("\r\x1b[K"));
  }

  stop(): void {
    clearInterval(this.timer);
    this.clear();
  }

  private draw(): void {
    const secs = ((performance.now() - this.started) / 1000).toFixed(0);
    const parts = this.securities.map((s, i) => `${s.symbol ?? "events"} ${this.state[i]}`);
    const line = `[${secs}s] ${parts.join(" | ")}`.slice(0, 160);
    Deno.stderr.writeSync(this.encoder.encode(`\r\x1b[K${line}`));
  }
}
