/** The multiplex sink is best effort: a failing sink never costs the others an event. */
import assert from "node:assert/strict";
import { runConfigFromArgs } from "../src/cli/run_options.ts";
import type { EventRecord } from "../src/core/events.ts";
import { runSecurity } from "../src/run/security_run.ts";
import { StopFlag } from "../src/run/stop.ts";
import { MemorySink } from "../src/sinks/memory_sink.ts";
import { MultiplexSink } from "../src/sinks/multiplex_sink.ts";
import type { EventSink, SessionInfo, Sink, SinkReport } from "../src/sinks/sink.ts";

/** Throws on every `every`-th append, and rejects (asynchronously) on the ones after those. */
class FlakySink implements Sink {
  readonly name = "flaky";
  private n = 0;
  constructor(private readonly every: number) {}
  beginSession(_: SessionInfo): void {}
  append(_: EventRecord): void | Promise<void> {
    this.n++;
    if (this.n % this.every === 0) throw new Error(`append ${this.n} failed`);
    if (this.n % this.every === 1 && this.n > 1) return Promise.reject(new Error("late failure"));
  }
  endSession(): void {}
  flush(): void {
    throw new Error("flush failed");
  }
  close(): Promise<SinkReport> {
    return Promise.reject(new Error("close failed"));
  }
}

const cfg = await runConfigFromArgs([
  "--seed",
  "21",
  "--days",
  "2",
  "--seconds",
  "300",
  "--securities",
  "MX:900",
]);

async function generate(sink: EventSink): Promise<void> {
  await runSecurity(cfg, 0, sink, new StopFlag());
  await sink.flush();
}

Deno.test("a sink that throws: the others still get every event, and the failures are reported", async () => {
  const alone = new MemorySink();
  await generate(alone);
  const total = alone.sessions.reduce((n, s) => n + s.records.length, 0);
  assert.ok(total > 10_000, `a real run (${total} events)`);

  const before = new MemorySink(), after = new MemorySink();
  const multiplex = new MultiplexSink([before, new FlakySink(1000), after]);
  await generate(multiplex);
  assert.deepEqual(before.sessions, alone.sessions);
  assert.deepEqual(after.sessions, alone.sessions);

  const reports = await multiplex.close();
  assert.deepEqual(reports.map((r) => [r.name, r.failures]), [
    ["memory", 0],
    // every 1000th append throws, the next one rejects, flush throws once, close rejects once
    ["flaky", Math.floor(total / 1000) + Math.floor((total - 1) / 1000) + 2],
    ["memory", 0],
  ]);
  assert.equal(reports[0].delivered, total);
  assert.equal(reports[1].firstError, "append 1000 failed");
});

Deno.test("closing reports each sink: the failing one with its name and first error", async () => {
  const multiplex = new MultiplexSink([new MemorySink(), new FlakySink(5)]);
  await generate(multiplex);
  const [memory, flaky] = await multiplex.close();
  assert.deepEqual([memory.name, memory.failures, memory.firstError], ["memory", 0, undefined]);
  assert.equal(flaky.name, "flaky");
  assert.ok(flaky.failures > 0);
  assert.equal(flaky.firstError, "append 5 failed");
});

Deno.test("one sink taking the events (the others fed otherwise): its failures are counted the same", async () => {
  const chunkFed = Object.assign(new MemorySink(), { takesEvents: false });
  const multiplex = new MultiplexSink([new FlakySink(1000), chunkFed]);
  await generate(multiplex);
  const alone = new MemorySink();
  await generate(alone);
  const total = alone.sessions.reduce((n, s) => n + s.records.length, 0);
  const [flaky, fed] = await multiplex.close();
  assert.equal(flaky.failures, Math.floor(total / 1000) + Math.floor((total - 1) / 1000) + 2);
  assert.equal(flaky.firstError, "append 1000 failed");
  assert.equal(fed.appended, 0, "no event handed to the other one");
  assert.equal(chunkFed.sessions.length, alone.sessions.length, "its sessions begun and ended");
});
