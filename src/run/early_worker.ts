/**
 * A run's first worker, started while the command line is still being read: a worker takes
 * 20-30 ms to start (an isolate of its own, then its modules), about as long as this thread then
 * takes to load the run's code and make its settings. A run takes it (`newWorker`) or lets it go.
 */
let early: { url: string; worker: Worker; failed: boolean } | null = null;

/** Starts a worker from `url` for the run to come (the program's entry module). */
export function startWorkerEarly(url: string | URL): void {
  if (early) return;
  const started = { url: String(url), worker: new Worker(url, { type: "module" }), failed: false };
  // Until a run takes it: one that failed to start is not handed out.
  started.worker.onerror = (e) => {
    e.preventDefault();
    started.failed = true;
  };
  early = started;
}

/** A worker from `url`: the one started early when it is from there, else a new one. */
export function newWorker(url: string | URL): Worker {
  const taken = early;
  early = null;
  if (taken && taken.url === String(url) && !taken.failed) return taken.worker;
  taken?.worker.terminate();
  return new Worker(url, { type: "module" });
}

/** Lets go of a worker started early and not taken. */
export function dropEarlyWorker(): void {
  early?.worker.terminate();
  early = null;
}
