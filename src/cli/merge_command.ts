import { toJson } from "../core/json.ts";
import { UsageError } from "../core/errors.ts";
import { mergeRuns } from "../run/merge.ts";
import { thousands } from "./format.ts";
import { flags, parseCommand } from "./flags.ts";
import type { CommandSpec } from "./flags.ts";

const MERGE_FLAGS = flags({
  output: { type: "string", help: "the merged run directory (required)" },
  force: {
    type: "boolean",
    help: "replace the run already in --output (its manifest and .qrsdp files, nothing else)",
  },
  json: { type: "boolean", help: "the summary as one JSON document on stdout" },
});

export const MERGE_COMMAND: CommandSpec<typeof MERGE_FLAGS> = {
  name: "merge",
  summary: "put the parts of a sharded run (run --shard I/N) back together",
  usage: "qrsdp merge PART_DIR... --output RUN_DIR",
  flags: MERGE_FLAGS,
  maxPositionals: 100_000,
  notes:
    `Every shard 0..N-1 must be given once, made with the same flags and finished. The files are
copied byte for byte (each checked first) and the manifest is the one a single process running
the whole run writes, so the merged run equals it byte for byte.
Exit status: 0 merged, 2 when the parts do not make one whole run or a file is damaged (one line
names the part, the file and the byte offset; nothing is written under a final name).`,
};

export async function mergeCommand(args: string[]): Promise<number> {
  const parsed = await parseCommand(MERGE_COMMAND, args);
  if (!parsed) return 0;
  const { output, force, json } = parsed.values;
  if (output === undefined) throw new UsageError("--output: give the merged run directory");
  const report = mergeRuns(parsed.positionals, output, force);
  if (json) console.log(toJson({ output, ...report }, 2));
  else {
    console.log(
      `merged ${report.parts} parts: ${report.securities} securities, ${report.files} files, ` +
        `${thousands(report.records)} events -> ${output}`,
    );
  }
  return 0;
}
