const SIGNALS: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];

/**
 * The first SIGINT/SIGTERM calls `onFirst` (a graceful stop); a second one exits at once with
 * 128 + the signal number. Returns a function that removes the handlers.
 */
export function onStopSignals(onFirst: () => void): () => void {
  let seen = false;
  const handlers = SIGNALS.map((sig) => {
    const handler = () => {
      if (seen) Deno.exit(sig === "SIGINT" ? 130 : 143);
      seen = true;
      onFirst();
    };
    Deno.addSignalListener(sig, handler);
    return () => Deno.removeSignalListener(sig, handler);
  });
  return () => handlers.forEach((remove) => remove());
}
