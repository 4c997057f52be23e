// One entry point for the CLI and for the run's worker threads: a worker starts this same module
// (so the bundled and compiled program needs no second file) and serves jobs instead.
import { inWorkerScope } from "./src/run/worker.ts";
import "./src/serve/analysis_worker.ts";
import { main } from "./src/cli/main.ts";

if (!inWorkerScope()) Deno.exit(await main(Deno.args, import.meta.url));
