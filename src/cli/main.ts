import { DataError, UsageError } from "./errors.ts";
import { infoCommand } from "./info_command.ts";
import { runCommand } from "./run_command.ts";

export const VERSION = "0.1.0";

type Command = (args: string[], workerUrl?: string | URL) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  run: { run: runCommand, summary: "generate events to .qrsdp files (and Kafka)" },
  info: { run: infoCommand, summary: "describe a .qrsdp file or a run directory, check integrity" },
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

/** Runs the CLI; returns the exit code. Usage and data errors print one line and give 2. */
export async function main(args: string[], workerUrl?: string | URL): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name === undefined ? 2 : 0;
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
  try {
    return await command.run(rest, workerUrl);
  } catch (e) {
    if (e instanceof UsageError || e instanceof DataError) {
      console.error(`qrsdp ${name}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
