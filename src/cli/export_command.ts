import { EXPORT_FORMATS, exportRun } from "../export/export.ts";
import { isSymbol, SYMBOL_RULE } from "../core/symbol.ts";
import { UsageError } from "../core/errors.ts";
import { flags, parseCommand } from "./flags.ts";
import { thousands } from "./format.ts";

const EXPORT_COMMAND = {
  name: "export",
  maxPositionals: 1,
  summary: "write recorded sessions as CSV, JSON Lines, Parquet or LOBSTER files",
  usage: "qrsdp export RUN_DIR|FILE.qrsdp --format FORMAT --output DIR [flags]",
  flags: flags({
    format: {
      type: "string",
      oneOf: Object.keys(EXPORT_FORMATS),
      help: "csv, jsonl, parquet or lobster (required)",
    },
    output: { type: "string", help: "directory for the files, created if missing (required)" },
    symbol: {
      type: "string",
      check: { test: isSymbol, what: `a symbol (${SYMBOL_RULE})` },
      defaultHelp: "the file's folder if it is a symbol, else DEFAULT",
      help: "symbol of a single exported file",
    },
    quiet: { type: "boolean", help: "no line per session" },
  }),
  notes: `One file per session (two for lobster: message and order book), named SYMBOL_DATE.EXT;
lobster uses LOBSTER's names. Columns and the LOBSTER mapping: docs/export.md.`,
};

export async function exportCommand(args: string[]): Promise<number> {
  const parsed = await parseCommand(EXPORT_COMMAND, args);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError("give one run directory or .qrsdp file");
  if (values.format === undefined) throw new UsageError("--format is required");
  if (values.output === undefined) throw new UsageError("--output is required");
  let damaged = 0;
  const done = exportRun(positionals[0], values.format, values.output, {
    symbol: values.symbol,
    onSession: ({ session, files, events, damage, note }) => {
      if (note) console.error(`qrsdp export: note: ${session.path}: ${note}`);
      if (damage) {
        damaged++;
        console.error(`qrsdp export: ${session.path}: ${damage} (exported what was readable)`);
      }
      if (!values.quiet) {
        console.log(
          `${session.symbol} ${session.date}: ${thousands(events)} events -> ${files.join(", ")}`,
        );
      }
    },
  });
  const events = done.reduce((n, d) => n + d.events, 0);
  if (!values.quiet) {
    console.log(
      `total: ${thousands(events)} events in ${done.length} session${
        done.length === 1 ? "" : "s"
      } -> ${values.output}`,
    );
  }
  return damaged > 0 ? 1 : 0;
}
