/** True in a worker thread, false in the program's main thread. */
export function inWorkerScope(): boolean {
  const scope = (globalThis as { WorkerGlobalScope?: new () => unknown }).WorkerGlobalScope;
  return scope !== undefined && globalThis instanceof scope;
}

/** What a worker does with each message it is sent. */
export type MessageHandler = (data: unknown) => void;

/**
 * Serves a worker whose code is loaded on its first message: `load(kind)` imports the module for
 * that message's kind and gives its handler. Every message goes to that handler, in the order sent:
 * those that arrive while it loads are held (a worker drops messages it has no listener for) and
 * handed over the moment it is there, before any later one.
 */
export function serveOnFirstMessage(load: (kind: unknown) => Promise<MessageHandler>): void {
  let handler: MessageHandler | null = null;
  const held: unknown[] = [];
  addEventListener("message", (e) => {
    const data = (e as MessageEvent).data;
    if (handler) return handler(data);
    held.push(data);
    if (held.length > 1) return;
    // A load that fails rejects unhandled: the worker's error event in the thread that made it.
    load((data as { kind?: unknown } | null)?.kind).then((h) => {
      handler = h;
      for (const message of held.splice(0)) h(message);
    });
  });
}
