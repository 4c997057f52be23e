import assert from "node:assert/strict";
import { inWorkerScope } from "./worker_scope.ts";

const SCOPE_URL = new URL("./worker_scope.ts", import.meta.url).href;

/**
 * A worker whose code for kind "echo" takes `loadMs` to load (0: a few microtasks, as a bundled
 * program's import does), then echoes each message's number.
 */
function startWorker(loadMs: number): Worker {
  const source = `
import { serveOnFirstMessage } from "${SCOPE_URL}";
serveOnFirstMessage(async (kind) => {
  if (kind !== "echo") throw new Error("no code for " + kind);
  if (${loadMs} > 0) await new Promise((r) => setTimeout(r, ${loadMs}));
  else await Promise.resolve();
  return (data) => postMessage(data.n);
});
`;
  return new Worker(`data:application/javascript,${encodeURIComponent(source)}`, {
    type: "module",
  });
}

/** Posts `count` numbered messages at once; what the worker echoed (after 5 s if some are lost). */
async function echoes(worker: Worker, count: number): Promise<number[]> {
  const got: number[] = [];
  let giveUp: ReturnType<typeof setTimeout> | undefined;
  await new Promise<void>((resolve) => {
    giveUp = setTimeout(resolve, 5000);
    worker.onmessage = (e) => {
      got.push(e.data);
      if (got.length >= count) setTimeout(resolve, 50); // and any duplicate after
    };
    for (let n = 0; n < count; n++) worker.postMessage({ kind: "echo", n });
  });
  clearTimeout(giveUp);
  worker.terminate();
  return got;
}

Deno.test("worker scope: the main thread is not a worker", () => {
  assert.equal(inWorkerScope(), false);
});

Deno.test("worker scope: every message reaches the loaded code once, in order", async () => {
  for (const loadMs of [50, 0]) {
    const count = 300;
    const got = await echoes(startWorker(loadMs), count);
    assert.deepEqual(got, Array.from({ length: count }, (_, n) => n), `load ${loadMs} ms`);
  }
});

Deno.test("worker scope: a first message of no known kind is the worker's error", async () => {
  const worker = startWorker(0);
  const error = await new Promise<string>((resolve) => {
    worker.onerror = (e) => {
      e.preventDefault();
      resolve(e.message);
    };
    worker.postMessage({ kind: "nonsense" });
  });
  worker.terminate();
  assert.match(error, /no code for nonsense/);
});
