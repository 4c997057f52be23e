import { DataError, UsageError } from "../core/errors.ts";
import { guardOutput } from "./output.ts";
import { VERSION } from "./version.ts";
import { dropEarlyWorker, startWorkerEarly } from "../run/early_worker.ts";

type Command = (args: string[], workerUrl?: string | URL) => Promise<number>;

/** Commands load on use, so that `run` does not pay for the Kafka and ClickHouse clients. */
const COMMANDS: Record<string, { load: () => Promise<Command>; summary: string }> = {
  run: {
    load: async () => (await import("./run_command.ts")).runCommand,
    summary: "generate events to .qrsdp files (and Kafka)",
  },
  replay: {
    load: async () => (await import("./replay_command.ts")).replayCommand,
    summary: "publish recorded sessions to Kafka, fast or paced",
  },
  itch: {
    load: async () => (await import("./itch_command.ts")).itchCommand,
    summary: "recorded sessions as an ITCH 5.0 feed: daily files, MoldUDP64 over UDP",
  },
  listen: {
    load: async () => (await import("./listen_command.ts")).listenCommand,
    summary: "receive a MoldUDP64 ITCH feed: messages, gaps, book checks",
  },
  merge: {
    load: async () => (await import("./merge_command.ts")).mergeCommand,
    summary: "put the parts of a sharded run back together",
  },
  calibrate: {
    load: async () => (await import("./calibrate_command.ts")).calibrateCommand,
    summary:
      "estimate HLR intensity curves from .qrsdp logs, LOBSTER or ITCH (for run --hlr-curves)",
  },
  compare: {
    load: async () => (await import("./compare_command.ts")).compareCommand,
    summary: "the realism report of two sources side by side, with distances",
  },
  info: {
    load: async () => (await import("./info_command.ts")).infoCommand,
    summary: "describe a .qrsdp file or a run directory, check integrity",
  },
  export: {
    load: async () => (await import("./export_command.ts")).exportCommand,
    summary: "write recorded sessions as CSV, JSON Lines, Parquet or LOBSTER",
  },
  consume: {
    load: async () => (await import("./consume_command.ts")).consumeCommand,
    summary: "print the events on a Kafka topic, decoded",
  },
  reconcile: {
    load: async () => (await import("./reconcile_command.ts")).reconcileCommand,
    summary: "prove a run's events reached Kafka and ClickHouse exactly once",
  },
  platform: {
    load: async () => (await import("./platform_command.ts")).platformCommand,
    summary: "platform init | topic: create the ClickHouse tables, the Kafka topic",
  },
  query: {
    load: async () => (await import("./query_commands.ts")).queryCommand,
    summary: "run a SQL query on ClickHouse",
  },
  midprice: {
    load: async () => (await import("./query_commands.ts")).midpriceCommand,
    summary: "latest trade-implied bid/ask/mid per symbol",
  },
  serve: {
    load: async () => (await import("./serve_command.ts")).serveCommand,
    summary: "the dashboard in a browser: simulations, replay, analysis",
  },
  status: {
    load: async () => (await import("./query_commands.ts")).statusCommand,
    summary: "rows per symbol and date, newest event, Kafka lag",
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) =>
    `  ${name.padEnd(width)}  ${c.summary}`
  );
  return `qrsdp ${VERSION}: queue-reactive limit order book simulator and streaming platform

Usage: qrsdp <command> [flags]    (qrsdp <command> --help for its flags)

Commands:
${lines.join("\n")}`;
}

/**
 * Runs the CLI; returns the exit code. Usage and data errors print one line and give 2; any
 * other error one line and 1.
 */
export async function main(args: string[], workerUrl?: string | URL): Promise<number> {
  guardOutput((n) => Deno.env.get(n));
  const [name, ...rest] = args;
  if (name === undefined) {
    console.error(usage());
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return 0;
  }
  if (name === "--version") {
    console.log(VERSION);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`qrsdp: unknown command '${name}' (see 'qrsdp --help')`);
    return 2;
  }
  // A run's worker starts as its code loads and its options are read.
  if (name === "run" && workerUrl && !rest.some((a) => a === "-h" || a === "--help")) {
    startWorkerEarly(workerUrl);
  }
  try {
    return await (await command.load())(rest, workerUrl);
  } catch (e) {
    if (e instanceof UsageError || e instanceof DataError) {
      console.error(`qrsdp ${name}: ${e.message}`);
      return 2;
    }
    // Anything else is our fault, yet still one line (a stack trace may quote a secret).
    console.error(`qrsdp ${name}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    // A run that ended before it started (bad options, --continue of nothing) never took it.
    dropEarlyWorker();
  }
}
