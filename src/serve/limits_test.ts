import assert from "node:assert/strict";
import { Budget, BYTES_PER_EVENT, diskUsage, EVENTS_PER_SECOND } from "./limits.ts";
import { HttpError } from "./http_error.ts";

const limits = {
  simulations: 2,
  eventsPerSimulation: 10 * 3600 * EVENTS_PER_SECOND,
  eventsPerServer: 15 * 3600 * EVENTS_PER_SECOND,
  diskBytes: 12 * 3600 * EVENTS_PER_SECOND * BYTES_PER_EVENT,
  workers: 2,
};

const status = (f: () => void) => {
  try {
    f();
  } catch (e) {
    if (e instanceof HttpError) return `${e.status} ${e.message}`;
    throw e;
  }
  return "ok";
};

Deno.test("a simulation too large for the limits is 413, one that does not fit now 429", () => {
  const b = new Budget(limits);
  const hour = b.estimate(1, 1, 3600);
  assert.equal(hour.events, 3600 * EVENTS_PER_SECOND);
  assert.equal(b.estimate(45, 252, 23400).workers, 2);
  assert.equal(b.estimate(1, 252, 23400).workers, 1);
  assert.match(
    status(() => b.check(b.estimate(11, 1, 3600))),
    /^413 a simulation may generate at most/,
  );
  assert.match(status(() => b.reserve("big", b.estimate(45, 252, 23400), 0)), /^413 /);
  assert.equal(status(() => b.reserve("a", b.estimate(8, 1, 3600), 0)), "ok");
  // The server's events: 8 + 8 hours pass its 15.
  assert.match(status(() => b.reserve("b", b.estimate(8, 1, 3600), 0)), /^429 .*server's/);
  // The disk: 8 reserved + 3 held on disk + 2 pass its 12.
  const disk = 3 * hour.bytes;
  assert.match(
    status(() => b.reserve("b", b.estimate(2, 1, 3600), disk)),
    /^429 the data directory/,
  );
  assert.equal(status(() => b.reserve("b", b.estimate(1, 1, 3600), disk)), "ok");
  assert.match(status(() => b.reserve("c", hour, 0)), /^429 2 simulations are running/);
  b.release("a");
  assert.equal(status(() => b.reserve("c", hour, 0)), "ok");
});

Deno.test("diskUsage adds the sizes of every file below a directory", async () => {
  const dir = Deno.makeTempDirSync();
  Deno.mkdirSync(`${dir}/a/b`, { recursive: true });
  Deno.writeFileSync(`${dir}/x`, new Uint8Array(10));
  Deno.writeFileSync(`${dir}/a/b/y`, new Uint8Array(32));
  Deno.symlinkSync("/etc/passwd", `${dir}/a/link`);
  assert.equal(await diskUsage(dir), 42);
  Deno.removeSync(dir, { recursive: true });
});
