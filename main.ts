// One entry point for the CLI and for the program's worker threads: a worker starts this same
// module (so the bundled and compiled program needs no second file) and loads, on its first
// message, only the code that message's kind asks for.
import { inWorkerScope, serveOnFirstMessage } from "./src/core/worker_scope.ts";
import type { MessageHandler } from "./src/core/worker_scope.ts";

async function workerHandler(kind: unknown): Promise<MessageHandler> {
  switch (kind) {
    case "job":
      return (await import("./src/run/worker.ts")).runWorkerHandler() as MessageHandler;
    case "analysis":
      return (await import("./src/serve/analysis_worker.ts"))
        .analysisWorkerHandler() as MessageHandler;
    case "orderbook-check":
      return (await import("./src/calibrate/orderbook_check.ts")).orderbookCheckHandler();
    case "realism":
      return (await import("./src/serve/realism_worker.ts"))
        .realismWorkerHandler() as MessageHandler;
    default:
      throw new Error(`a worker cannot start with a message of kind ${String(kind)}`);
  }
}

if (inWorkerScope()) serveOnFirstMessage(workerHandler);
else {
  const { main } = await import("./src/cli/main.ts");
  Deno.exit(await main(Deno.args, import.meta.url));
}
