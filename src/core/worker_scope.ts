/** True in a worker thread, false in the program's main thread. */
export function inWorkerScope(): boolean {
  const scope = (globalThis as { WorkerGlobalScope?: new () => unknown }).WorkerGlobalScope;
  return scope !== undefined && globalThis instanceof scope;
}

/**
 * Serves a worker whose code is loaded on its first message: `load(kind)` imports the module for
 * that message's kind and installs its message handler. Messages that arrive meanwhile are held
 * and then handed to it in order (a worker drops messages it has no handler for).
 */
export function serveOnFirstMessage(load: (kind: unknown) => Promise<void>): void {
  const held: unknown[] = [];
  const hold = (e: Event) => {
    held.push((e as MessageEvent).data);
    if (held.length > 1) return;
    // A load that fails rejects unhandled: the worker's error event in the thread that made it.
    load((e as MessageEvent).data?.kind).then(() => {
      removeEventListener("message", hold);
      for (const data of held) dispatchEvent(new MessageEvent("message", { data }));
    });
  };
  addEventListener("message", hold);
}
