import assert from "node:assert/strict";
import { runConfigFromArgs } from "../src/cli/run_options.ts";
import type { EventSink } from "../src/sinks/sink.ts";
import { LATE_WARNING_MS, runSecurity } from "../src/run/security_run.ts";
import type { DayReport } from "../src/run/security_run.ts";
import { StopFlag } from "../src/run/stop.ts";
import { runCli } from "./helpers.ts";

/** A sink that stalls once a session, as a broker that stops acknowledging for a while. */
class StallingSink implements EventSink {
  private n = 0;
  constructor(private readonly stallMs: number, private readonly atEvent: number) {}
  beginSession() {
    this.n = 0;
  }
  append() {
    if (++this.n === this.atEvent) return new Promise<void>((r) => setTimeout(r, this.stallMs));
  }
  endSession() {}
  flush() {}
}

async function run(args: string[], sink: EventSink) {
  const cfg = await runConfigFromArgs([...args, "--overnight-seconds", "0"]);
  const late: { date: string; seconds: number }[] = [];
  const days: DayReport[] = [];
  await runSecurity(cfg, 0, sink, new StopFlag(), {
    onLate: (l) => late.push(l),
    onDay: (d) => days.push(d),
  });
  return { late, days };
}

const STALL_MS = LATE_WARNING_MS + 300;

for (const pace of [["--realtime", "--speed", "1000"], ["--rate", "20000"]]) {
  Deno.test(`${pace[0]}: a run that falls behind is told once, and each day says how late`, async () => {
    const { late, days } = await run(
      [...pace, "--seconds", "30", "--days", "2"],
      new StallingSink(STALL_MS, 100),
    );
    assert.equal(late.length, 1, "one warning a security, however many days are late");
    assert.equal(late[0].date, "2026-01-02");
    assert.ok(late[0].seconds > LATE_WARNING_MS / 1000);
    assert.equal(days.length, 2);
    // The event after the stall was due (almost) when the stall began.
    for (const d of days) assert.ok(d.lateSeconds! >= (STALL_MS - 100) / 1000, `${d.lateSeconds}`);
  });
}

Deno.test("an unpaced run has no lateness and no warning; a paced one always has a lateness", async () => {
  const fast = await run(["--seconds", "30"], new StallingSink(0, -1));
  assert.equal(fast.days[0].lateSeconds, null);
  assert.equal(fast.late.length, 0);
  const paced = await run(["--rate", "20000", "--seconds", "5"], new StallingSink(0, -1));
  assert.equal(typeof paced.days[0].lateSeconds, "number");
});

Deno.test("run --rate: each security's day line gives its own share of the rate; --json the lateness", async () => {
  const out = Deno.makeTempDirSync();
  const args = ["run", "--rate", "20000", "--securities", "A:100,B:200", "--seconds", "10"];
  const text = await runCli([...args, "--max-events", "2000", "--output", `${out}/r`]);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.split("\n").filter((l) => /^[AB] /.test(l));
  assert.equal(lines.length, 2);
  for (const l of lines) assert.match(l, /paced at 10,000 events\/s/);
  assert.match(text.stdout, /^total: .* behind schedule -> /m);
  const json = await runCli([...args, "--max-events", "200", "--output", `${out}/j`, "--json"]);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout);
  assert.equal(typeof doc.late_seconds, "number");
  for (const s of doc.sessions) assert.equal(typeof s.late_seconds, "number");
  const unpaced = await runCli(["run", "--seconds", "5", "--output", `${out}/u`, "--json"]);
  assert.equal(JSON.parse(unpaced.stdout).late_seconds, null);
  Deno.removeSync(out, { recursive: true });
});
