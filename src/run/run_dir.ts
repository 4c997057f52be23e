import { UsageError } from "../core/errors.ts";
import { checkOutputPath } from "../core/output_path.ts";
import { replacePreviousOutput } from "../core/output_dir.ts";
import { readManifest } from "../format/manifest.ts";

/** Held while a run writes into its directory; other runs see it and stop at once. */
export const LOCK_FILE = ".qrsdp.lock";
const MANIFEST = "manifest.json";
const MANIFEST_TMP = ".manifest.json.tmp";
/** A security's folder is named by its symbol. */
const SYMBOL_FOLDER = /^[A-Z0-9._-]{1,16}$/;

export interface RunDir {
  path: string;
  /** What was there before and is now gone ("replacing the previous run in DIR (3 files)"). */
  replaced: string | null;
  /** Removes the lock (at the end of the run; a killed run's lock is released by the system). */
  release(): void;
}

/**
 * The one place a run's output directory is checked, made, locked and emptied of a previous run
 * (a manifest of ours and the files it lists). Refused: an empty path or one with control
 * characters, the filesystem root, a path that cannot be a directory, a directory another run
 * holds, and one that holds anything else, unless `force` is given and it is only manifests and
 * `.qrsdp` files.
 */
export function openRunDir(
  path: string,
  force: boolean,
  flag = "--output",
  companions: string[] = [],
): RunDir {
  checkOutputPath(path, flag);
  try {
    Deno.mkdirSync(path, { recursive: true });
  } catch (e) {
    throw new UsageError(`${flag}: cannot create ${path} (${(e as Error).message})`);
  }
  const lock = takeLock(path, (why) => new UsageError(`${flag}: ${why}`));
  try {
    return { ...lock, replaced: clearPreviousRun(path, force, flag, companions) };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/**
 * The process a run writing into `dir` names in its lock (its pid), or null when no run holds
 * the directory. Reads only the lock file.
 */
export function runHolder(dir: string): string | null {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(`${dir}/${LOCK_FILE}`, { read: true });
  } catch {
    return null;
  }
  try {
    if (file.tryLockSync(true)) {
      file.unlockSync();
      return null;
    }
    return new TextDecoder().decode(Deno.readFileSync(`${dir}/${LOCK_FILE}`)).trim() || "unknown";
  } finally {
    file.close();
  }
}

/** Says why a directory cannot be locked or removed, as the caller's error. */
type Refuse = (why: string) => Error;

function takeLock(dir: string, refuse: Refuse, name = dir): Omit<RunDir, "replaced"> {
  const path = `${dir}/${LOCK_FILE}`;
  for (let attempt = 0; attempt < 5; attempt++) {
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { read: true, write: true, create: true });
    } catch (e) {
      throw refuse(`cannot lock ${name} (${(e as Error).message})`);
    }
    if (!file.tryLockSync(true)) {
      const owner = new TextDecoder().decode(Deno.readFileSync(path)).trim();
      file.close();
      throw refuse(`${name} is in use by another run${owner ? ` (process ${owner})` : ""}`);
    }
    // A run that just finished may have removed the file we locked: lock the one now there.
    if (sameFile(file, path)) {
      file.truncateSync(0);
      file.writeSync(new TextEncoder().encode(`${Deno.pid}\n`));
      return {
        path: dir,
        release() {
          try {
            Deno.removeSync(path);
          } catch { /* already gone */ }
          file.close();
        },
      };
    }
    file.close();
  }
  throw refuse(`cannot lock ${name} (its lock file keeps changing)`);
}

/**
 * Removes a run's directory by the rule `--force` follows: refused while another run holds its
 * lock, and, before anything is removed, when it holds anything but a run's files (and
 * `companions`). `name` is how messages call the directory.
 */
export function removeRunDir(dir: string, companions: string[], refuse: Refuse, name = dir): void {
  const lock = takeLock(dir, refuse, name);
  try {
    const listed = listedRunFiles(dir);
    const ours = (rel: string) =>
      rel.endsWith("/")
        ? SYMBOL_FOLDER.test(rel.slice(0, -1))
        : rel === MANIFEST_TMP || (listed?.has(rel) ?? false) || runLikeFile(rel);
    try {
      replacePreviousOutput(
        dir,
        name,
        ours,
        (path) => `holds ${path}, which is not a run's file; nothing was removed`,
        (entry) => entry === LOCK_FILE || companions.includes(entry),
      );
    } catch (e) {
      throw e instanceof UsageError ? refuse(e.message) : e;
    }
    for (const e of Deno.readDirSync(dir)) {
      const path = `${dir}/${e.name}`;
      if (companions.includes(e.name) && e.isFile) Deno.removeSync(path);
      // Empty symbol folders are all that is left.
      else if (e.isDirectory && SYMBOL_FOLDER.test(e.name)) Deno.removeSync(path);
    }
  } finally {
    lock.release();
  }
  Deno.removeSync(dir);
}

function sameFile(file: Deno.FsFile, path: string): boolean {
  try {
    const a = file.statSync(), b = Deno.statSync(path);
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}

/** The files a run's manifest lists, with the manifest: a previous qrsdp run; null if none. */
function listedRunFiles(dir: string): Set<string> | null {
  try {
    const { raw, securities } = readManifest(dir);
    if (raw.producer !== "qrsdp") return null;
    return new Set([MANIFEST, ...securities.flatMap((s) => s.sessions.map((x) => x.file))]);
  } catch {
    return null;
  }
}

/** What `--force` also replaces: a manifest and `.qrsdp` files, at the top or in symbol folders. */
function runLikeFile(rel: string): boolean {
  const parts = rel.split("/");
  const name = parts[parts.length - 1];
  if (parts.length === 1) {
    return name === MANIFEST || name === MANIFEST_TMP || name.endsWith(".qrsdp");
  }
  return parts.length === 2 && SYMBOL_FOLDER.test(parts[0]) && name.endsWith(".qrsdp");
}

/**
 * A previous run of ours (its manifest and the files it lists: finished, or cut short by a
 * signal or a crash) is replaced; with `force`, any manifest and `.qrsdp` files too. Anything
 * else is refused. Returns what was replaced, for the user.
 */
function clearPreviousRun(
  dir: string,
  force: boolean,
  flag: string,
  companions: string[],
): string | null {
  const listed = listedRunFiles(dir);
  const keep = (name: string) => name === LOCK_FILE || companions.includes(name);
  const ours = (rel: string) =>
    rel.endsWith("/")
      ? SYMBOL_FOLDER.test(rel.slice(0, -1))
      : rel === MANIFEST_TMP || (listed?.has(rel) ?? false) || (force && runLikeFile(rel));
  const refusal = (path: string) =>
    `${dir} holds ${path}, ` +
    (!force && runLikeFile(path)
      ? listed
        ? "which its manifest does not list; give a new directory, or --force to replace it"
        : "and no manifest of a qrsdp run lists it; give a new directory, or --force to replace it"
      : "which is not a file of a qrsdp run; give a new directory");
  const replaced = replacePreviousOutput(dir, flag, ours, refusal, keep);
  if (!replaced) return null;
  return `replacing the previous run in ${dir} (${replaced.files} file${
    replaced.files === 1 ? "" : "s"
  })`;
}
