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
  /** What a top-level regular file of the directory is (anything else is never ours). */
  kind(name: string): EntryKind;
  /** Told what was replaced (one line for stderr). */
  note(line: string): void;
}

/**
 * Before a command writes its output into `dir`: returns null when `dir` holds nothing (an empty
 * folder holds nothing to lose: a mount point, say; it stays), and otherwise removes what a
 * previous output of the same command left and returns how many files that was, or throws a
 * UsageError whose line `refusal` words from the first entry that is not such a file. `ours` says, for a path relative to
 * `dir` (`AAPL/2026-01-02.qrsdp`, or `AAPL/` for a folder: looked into when true), whether the
 * command writes it; symbolic links never are.
 * `keep` names top-level entries that are neither counted nor removed (a lock, a companion file).
 * A folder is removed once the files in it are.
 */
export function replacePreviousOutput(
  dir: string,
  flag: string,
  ours: (relPath: string) => boolean,
  refusal: (relPath: string) => string,
  keep: (name: string) => boolean = () => false,
): { files: number } | null {
  const files: string[] = [], folders: string[] = [];
  const walk = (rel: string) => {
    for (const e of Deno.readDirSync(rel === "" ? dir : `${dir}/${rel}`)) {
      const path = rel === "" ? e.name : `${rel}/${e.name}`;
      if (rel === "" && keep(e.name)) continue;
      if (e.isDirectory && ours(`${path}/`)) {
        walk(path);
        folders.push(path);
      } else if (e.isFile && ours(path)) files.push(path);
      else throw new UsageError(`${flag}: ${refusal(path)}`);
    }
  };
  walk("");
  if (files.length === 0) return null;
  try {
    for (const f of files) Deno.removeSync(`${dir}/${f}`);
    // Deepest first; a folder that was empty before stays, as does one still holding anything.
    for (const f of folders.reverse()) {
      if (
        [...Deno.readDirSync(`${dir}/${f}`)].length === 0 &&
        files.some((x) => x.startsWith(`${f}/`))
      ) {
        Deno.removeSync(`${dir}/${f}`);
      }
    }
  } catch (e) {
    throw new UsageError(`${flag}: cannot remove the previous output (${(e as Error).message})`);
  }
  return { files: files.length };
}

/**
 * Makes an output directory of files, or takes one that holds nothing but a previous output of
 * the same command (replacePreviousOutput, the rule `run` follows too): foreign entries are
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
  const kind = (rel: string) => rel.includes("/") ? "foreign" : rules.kind(rel);
  const replaced = replacePreviousOutput(
    dir,
    flag,
    (rel) => kind(rel) === "ours" || (rules.force && kind(rel) === "unfinished"),
    (rel) =>
      kind(rel) === "unfinished"
        ? `${dir} holds an unfinished output (${dir}/${rel}); give --force to replace it, or a new directory`
        : `${dir} holds ${dir}/${rel}, which is not an output of this command; give a new or empty directory`,
  );
  if (replaced) rules.note(`${dir}: replaced the previous output (${replaced.files} files)`);
}
