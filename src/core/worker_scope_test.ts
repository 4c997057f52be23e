import assert from "node:assert/strict";
import { inWorkerScope } from "./worker_scope.ts";

const SCOPE_URL = new URL("./worker_scope.ts", import.meta.url).href;

/** A worker that takes 50 ms to load its code for kind "echo", then echoes every message. */
const ECHO_WORKER = `
import { serveOnFirstMessage } from "${SCOPE_URL}";
serveOnFirstMessage(async (kind) => {
  if (kind !== "echo") throw new Error("no code for " + kind);
  await new Promise((r) => setTimeout(r, 50));
  addEventListener("message", (e) => postMessage(e.data.n));
});
`;

function startWorker(): Worker {
  const url = `data:application/javascript,${encodeURIComponent(ECHO_WORKER)}`;
  return new Worker(url, { type: "module" });
}

Deno.test("worker scope: the main thread is not a worker", () => {
  assert.equal(inWorkerScope(), false);
});

Deno.test("worker scope: messages sent while the worker loads its code all arrive, in order", async () => {
  const worker = startWorker();
  const got: number[] = [];
  let giveUp: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<void>((resolve) => {
    // Lost messages would never come: after 5 s, what came is compared.
    giveUp = setTimeout(resolve, 5000);
    worker.onmessage = (e) => {
      got.push(e.data);
      if (got.length === 5) resolve();
    };
  });
  for (let n = 0; n < 5; n++) worker.postMessage({ kind: "echo", n });
  await done;
  clearTimeout(giveUp);
  worker.terminate();
  assert.deepEqual(got, [0, 1, 2, 3, 4]);
});

Deno.test("worker scope: a first message of no known kind is the worker's error", async () => {
  const worker = startWorker();
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
