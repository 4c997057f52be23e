/**
 * One job in a worker thread of its own, so that the server goes on answering meanwhile. The
 * worker is the program's own entry module (`main.ts`), which hands its messages to the handler
 * `answerJobs` makes for the first message's `kind`; the worker is ended once it has answered.
 */

type Reply<R> = { kind: string; result: R } | { kind: string; error: string };

/** `job`'s result from a new worker started from `workerUrl`, or `here()` on this thread without one. */
export function jobInWorker<J extends { kind: string }, R>(
  job: J,
  here: () => R | Promise<R>,
  workerUrl?: string | URL,
): Promise<R> {
  if (!workerUrl) return Promise.resolve().then(here);
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl, { type: "module" });
    worker.onmessage = (e: MessageEvent<Reply<R>>) => {
      const m = e.data;
      if (m.kind !== job.kind) return;
      worker.terminate();
      if ("error" in m) reject(new Error(m.error));
      else resolve(m.result);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      reject(new Error(e.message));
    };
    worker.postMessage(job);
  });
}

/** A worker thread's handler: each job's result from `compute`, or its error's message. */
export function answerJobs<J extends { kind: string }, R>(
  compute: (job: J) => R | Promise<R>,
): (job: J) => Promise<void> {
  return async (job) => {
    let reply: Reply<R>;
    try {
      reply = { kind: job.kind, result: await compute(job) };
    } catch (err) {
      reply = { kind: job.kind, error: err instanceof Error ? err.message : String(err) };
    }
    (globalThis as unknown as { postMessage(m: Reply<R>): void }).postMessage(reply);
  };
}
