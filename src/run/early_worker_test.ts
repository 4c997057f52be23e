import assert from "node:assert/strict";
import { dropEarlyWorker, newWorker, startWorkerEarly } from "./early_worker.ts";

/** A worker that answers with the time it started. */
const WORKER =
  "data:application/javascript,self.onmessage = () => self.postMessage(performance.timeOrigin);";

function startedAt(w: Worker): Promise<number> {
  return new Promise((resolve) => {
    w.onmessage = (e) => resolve(e.data);
    w.postMessage(null);
  });
}

const now = () => performance.timeOrigin + performance.now();
const later = () => new Promise((r) => setTimeout(r, 100));

Deno.test("early worker: the run's first worker is the one started early; the next is new", async () => {
  startWorkerEarly(WORKER);
  await later();
  const asked = now();
  const first = newWorker(WORKER), second = newWorker(WORKER);
  try {
    assert.ok(await startedAt(first) < asked, "started before it was asked for");
    assert.ok(await startedAt(second) > asked, "a new one");
  } finally {
    first.terminate();
    second.terminate();
  }
});

Deno.test("early worker: one let go, or from another URL, is not handed out", async () => {
  startWorkerEarly(WORKER);
  dropEarlyWorker();
  startWorkerEarly(`${WORKER} // another`);
  await later();
  const asked = now();
  const w = newWorker(WORKER);
  try {
    assert.ok(await startedAt(w) > asked);
  } finally {
    w.terminate();
  }
});
