import { UsageError } from "./errors.ts";

/** How a command sees an entry already in its output directory. */
export type EntryKind =
  /** A finished output of a previous run of the same command: replaced, with a note. */
  | "ours"
  /** Left by one that did not finish (a temporary file): replaced only with `--force`. */
  | "unfinished"
  /** Anything else: never touched. */
  | "foreign";

export interface OutputDirRules {
  flag: string;
  force: boolean;
  /** What an entry is; `info` is from lstat (a symbolic link is never `ours`). */
  kind(name: string, info: Deno.FileInfo): EntryKind;
  /** Told what was replaced (one line for stderr). */
  note(line: string): void;
}

/**
 * Makes an output directory, or takes one that holds nothing but a previous output of the same
 * command: the rule every command that writes a folder of files follows. Foreign entries are
 * refused (never removed, never written through), an unfinished output needs `--force`, and a
 * finished one is removed, which `note` reports, so that old files never mix with new ones.
 */
export function claimOutputDir(dir: string, rules: OutputDirRules): void {
  const { flag } = rules;
  try {
    Deno.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`${flag}: cannot create ${dir} (${(e as Error).message})`);
  }
  const ours: string[] = [], unfinished: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`;
    const kind = rules.kind(entry.name, Deno.lstatSync(path));
    if (kind === "foreign") {
      throw new UsageError(
        `${flag}: ${dir} holds ${path}, which is not an output of this command; ` +
          "give a new or empty directory",
      );
    }
    (kind === "ours" ? ours : unfinished).push(path);
  }
  if (unfinished.length > 0 && !rules.force) {
    throw new UsageError(
      `${flag}: ${dir} holds an unfinished output (${unfinished[0]}); ` +
        "give --force to replace it, or a new directory",
    );
  }
  const replaced = [...ours, ...unfinished];
  if (replaced.length === 0) return;
  try {
    for (const path of replaced) Deno.removeSync(path);
  } catch (e) {
    throw new UsageError(`${flag}: cannot remove the previous output (${(e as Error).message})`);
  }
  rules.note(`${dir}: replaced the previous output (${replaced.length} files)`);
}
