import { UsageError } from "./errors.ts";

export interface OutputPathRules {
  /** `-` means standard output here; elsewhere it is refused as a file name. */
  stdout?: boolean;
  /** Run directories being read: an output inside one of them is refused. */
  inputs?: string[];
}

/**
 * The one check of an output path given by the user, before anything is made: refused when it
 * is empty, holds control characters, is the filesystem root, is `-` where that is not standard
 * output, or lies inside a run directory being read.
 */
export function checkOutputPath(path: string, flag: string, rules: OutputPathRules = {}): void {
  if (path.trim() === "") throw new UsageError(`${flag}: the path is empty`);
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x1f\x7f]/.test(path)) {
    throw new UsageError(`${flag}: ${JSON.stringify(path)} holds control characters`);
  }
  if (path === "-" && !rules.stdout) {
    throw new UsageError(`${flag}: '-' (standard output) is not an output of this command`);
  }
  if (path === "-") return;
  if (normalizePath(path) === "/") {
    throw new UsageError(`${flag}: '${path}' is the filesystem root; give a directory of its own`);
  }
  const where = resolvedPath(path);
  for (const input of rules.inputs ?? []) {
    const dir = resolvedPath(input);
    if (where === dir || where.startsWith(dir.endsWith("/") ? dir : `${dir}/`)) {
      throw new UsageError(`${flag}: '${path}' is inside the input run directory ${input}`);
    }
  }
}

/** `name` inside the folder `dir`, however many slashes `dir` ends with. */
export function pathInside(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, "")}/${name}`;
}

/** An absolute path with `.`, `..` and repeated slashes resolved (symbolic links are kept). */
export function normalizePath(path: string): string {
  const abs = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  const out: string[] = [];
  for (const part of abs.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}

/**
 * The path with every symbolic link of its existing part resolved: the deepest ancestor that
 * exists, made real, followed by the parts not made yet.
 */
export function resolvedPath(path: string): string {
  const parts = normalizePath(path).split("/").slice(1);
  for (let keep = parts.length; keep >= 0; keep--) {
    try {
      const real = Deno.realPathSync(`/${parts.slice(0, keep).join("/")}`);
      const rest = parts.slice(keep);
      return rest.length === 0 ? real : `${real === "/" ? "" : real}/${rest.join("/")}`;
    } catch {
      // Not there yet: try its parent.
    }
  }
  return normalizePath(path);
}
