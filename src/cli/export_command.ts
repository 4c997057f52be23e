import { EXPORT_FORMATS, exportRun } from "../export/export.ts";
import { isTimeZone } from "../export/market_time.ts";
import { DEFAULT_LAYOUT } from "../export/rows.ts";
import { LOT_SIZE_FLAG } from "./itch_flags.ts";
import { isSymbol, SYMBOL_RULE } from "../core/symbol.ts";
import { UsageError } from "../core/errors.ts";
import { flags, NO_VERIFY_FLAG, parseCommand } from "./flags.ts";
import { thousands } from "./format.ts";

const EXPORT_COMMAND = {
  name: "export",
  maxPositionals: 1,
  summary: "write recorded sessions as CSV, JSON Lines, Parquet, LOBSTER or hftbacktest files",
  usage: "qrsdp export RUN_DIR|FILE.qrsdp --format FORMAT --output DIR [flags]",
  flags: flags({
    format: {
      type: "string",
      oneOf: Object.keys(EXPORT_FORMATS),
      help: "csv, jsonl, parquet, lobster or hftbacktest (required)",
    },
    output: { type: "string", help: "directory for the files, created if missing (required)" },
    symbol: {
      type: "string",
      check: { test: isSymbol, what: `a symbol (${SYMBOL_RULE})` },
      defaultHelp: "the file's folder if it is a symbol, else DEFAULT",
      help: "symbol of a single exported file",
    },
    tz: {
      type: "string",
      default: DEFAULT_LAYOUT.tz,
      check: { test: isTimeZone, what: "an IANA time zone (America/New_York, Europe/London, UTC)" },
      help: "the market's time zone: ts_ns is wall-clock time after its midnight (the ts column)",
    },
    "lot-size": {
      ...LOT_SIZE_FLAG,
      help: "shares per unit of qty: the shares column and LOBSTER's sizes (as itch's --lot-size)",
    },
    latency: {
      type: "number",
      default: 0,
      min: 0,
      max: 60_000,
      help: "hftbacktest: milliseconds from the exchange's timestamp to the local one",
    },
    layout: {
      type: "string",
      default: "flat",
      oneOf: ["flat", "hive"],
      help: "flat: every file in DIR; hive: DIR/symbol=S/date=D/ (csv, jsonl, parquet)",
    },
    force: {
      type: "boolean",
      help: "replace an unfinished export in --output (a finished one is replaced anyway)",
    },
    "no-verify": NO_VERIFY_FLAG,
    quiet: { type: "boolean", help: "no line per session" },
  }),
  notes: `One file per session (two for lobster: message and order book), named SYMBOL_DATE.EXT;
lobster uses LOBSTER's names; hftbacktest writes SYMBOL_DATE.npz (its event array). Columns:
symbol, date, ts (UTC instant, from date, --tz and ts_ns), ts_ns, type, type_name, side, price
(dollars, 4 decimals), price_ticks, qty, shares (qty x --lot-size), order_id; the hive layout
leaves symbol and date to its folder names. Column types, the LOBSTER and hftbacktest mappings:
docs/export.md.

Every file is written under a temporary name and renamed once all are complete: a failed export
leaves no file under a final name. --output must be empty, new, or hold only a previous export
(replaced, with a note on stderr); anything else there is refused, and nothing is written inside
the run directory read. A damaged session (a chunk failing its checksum, a file cut short or never
closed) is exported up to its damage, which is named with its byte offset (exit 1).

Exit status: 0 done, 1 an input was damaged or a file could not be written, 2 bad usage or an
input that cannot be read.`,
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
    layout: {
      tz: values.tz,
      lotSize: values["lot-size"],
      hive: values.layout === "hive",
      latencyNs: Math.round(values.latency * 1e6),
    },
    force: values.force,
    verify: !values["no-verify"],
    note: (line) => console.error(`qrsdp export: ${line}`),
    onSession: ({ session, files, events, damage, note }) => {
      if (note) console.error(`qrsdp export: note: ${session.path}: ${note}`);
      if (damage) {
        damaged++;
        console.error(
          `qrsdp export: ${damage.message} (${
            files.length ? `exported the ${thousands(events)} events before it` : "not exported"
          })`,
        );
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
