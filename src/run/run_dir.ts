import { UsageError } from "../core/errors.ts";

/** Held while a run writes into its directory; other runs see it and stop at once. */
export const LOCK_FILE = ".qrsdp.lock";
const MANIFEST = "manifest.json";
const MANIFEST_TMP = ".manifest.json.tmp";
/** A security's folder is named by its symbol. */
const SYMBOL_FOLDER = /^[A-Z0-9._-]{1,16}$/;

export interface RunDir {
  path: string;
  /** Removes the lock (at the end of the run; a killed run's lock is released by the system). */
  release(): void;
}

/**
 * The one place a run's output directory is checked, made, locked and (with `force`) emptied of
 * a previous run. Refused: an empty path or one with control characters, the filesystem root, a
 * path that cannot be a directory, a directory another run holds, and one that is not empty
 * unless `force` is given and everything in it is a previous run's (manifest and `.qrsdp` files).
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
    clearPreviousRun(path, force, flag, companions);
  } catch (e) {
    lock.release();
    throw e;
  }
  return lock;
}

export function checkOutputPath(path: string, flag = "--output"): void {
  if (path.trim() === "") throw new UsageError(`${flag}: the path is empty`);
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x1f\x7f]/.test(path)) {
    throw new UsageError(`${flag}: ${JSON.stringify(path)} holds control characters`);
  }
  if (normalize(path) === "/") {
    throw new UsageError(`${flag}: '${path}' is the filesystem root; give a directory of its own`);
  }
}

/** An absolute path with `.`, `..` and repeated slashes resolved (symbolic links are kept). */
function normalize(path: string): string {
  const abs = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  const out: string[] = [];
  for (const part of abs.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}

/** Says why a directory cannot be locked or removed, as the caller's error. */
type Refuse = (why: string) => Error;

function takeLock(dir: string, refuse: Refuse, name = dir): RunDir {
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
    const { files, folders, other } = previousRunFiles(dir, companions);
    if (other.length > 0) {
      throw refuse(
        `${name} holds ${other[0].slice(dir.length + 1)}, which is not a run's file; ` +
          "nothing was removed",
      );
    }
    for (const f of files) Deno.removeSync(f);
    for (const f of folders) Deno.removeSync(f);
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

/**
 * What a previous run leaves: the manifest and `.qrsdp` files, at the top or in symbol folders.
 * Empty symbol folders are not counted.
 */
function previousRunFiles(
  dir: string,
  companions: string[],
): { files: string[]; folders: string[]; other: string[] } {
  const files: string[] = [], folders: string[] = [], other: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.name === LOCK_FILE || companions.includes(e.name)) continue;
    if (e.isFile && (e.name === MANIFEST || e.name === MANIFEST_TMP || e.name.endsWith(".qrsdp"))) {
      files.push(path);
    } else if (e.isDirectory && SYMBOL_FOLDER.test(e.name)) {
      // An empty folder holds nothing to lose (a mount point for a security, say): it stays.
      const inside = [...Deno.readDirSync(path)];
      if (inside.length === 0) continue;
      const bad = inside.find((x) => !x.isFile || !x.name.endsWith(".qrsdp"));
      if (bad) other.push(`${path}/${bad.name}`);
      else {
        files.push(...inside.map((x) => `${path}/${x.name}`));
        folders.push(path);
      }
    } else other.push(path);
  }
  return { files, folders, other };
}

function clearPreviousRun(dir: string, force: boolean, flag: string, companions: string[]): void {
  const { files, folders, other } = previousRunFiles(dir, companions);
  if (files.length === 0 && other.length === 0) return;
  if (!force) {
    throw new UsageError(
      `${flag}: ${dir} is not empty (${files.length + other.length} entries); ` +
        "give a new directory, or --force to replace a previous run there",
    );
  }
  if (other.length > 0) {
    throw new UsageError(
      `${flag}: --force replaces only a previous run, and ${other[0]} is not one of its files`,
    );
  }
  try {
    for (const f of files) Deno.removeSync(f);
    for (const f of folders) Deno.removeSync(f);
  } catch (e) {
    throw new UsageError(`${flag}: cannot remove the previous run (${(e as Error).message})`);
  }
}
