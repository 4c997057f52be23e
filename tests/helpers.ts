import assert from "node:assert/strict";
import { QrsdpReader } from "../src/format/reader.ts";
import type { EventRecord } from "../src/core/events.ts";

export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
export const FIXTURES = `${ROOT}/tests/fixtures`;

/** The event types' names by number (format.md), written out, not taken from the code under test. */
export const TYPE_NAMES = [
  "ADD_BID",
  "ADD_ASK",
  "CANCEL_BID",
  "CANCEL_ASK",
  "EXECUTE_BUY",
  "EXECUTE_SELL",
];

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The V8 flags the program runs with: the `compile` task's, built into the binary, and carried by
 * every other way of starting it (compose_test.ts checks).
 */
export function programV8Flags(): string[] {
  const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`)).tasks;
  return tasks.compile.match(/--v8-flags=\S+/g) ?? [];
}

/** Runs `main.ts` as a user would, in a child process. */
export async function runCli(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/main.ts`, ...args],
    env: opts.env,
    cwd: opts.cwd,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Starts `main.ts` in a child process without waiting for it. */
export function spawnCli(args: string[], env?: Record<string, string>): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/main.ts`, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
}

export function readRecords(path: string): EventRecord[] {
  const out: EventRecord[] = [];
  QrsdpReader.open(path).forEach((r) => out.push({ ...r }));
  return out;
}

export function tempDir(prefix: string): string {
  return Deno.makeTempDirSync({ prefix: `qrsdp_${prefix}_` });
}

/** Every `.qrsdp` file under `dir`, as paths relative to it, sorted. */
export function qrsdpFiles(dir: string, sub = ""): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(`${dir}/${sub}`)) {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...qrsdpFiles(dir, rel));
    else if (e.name.endsWith(".qrsdp")) out.push(rel);
  }
  return out.sort();
}

/**
 * `/proc/PID/status` while PID is still the process whose command line contains `mark` (Linux),
 * else null: not the test runner it was forked from before its exec, nor whatever process takes
 * the pid once it has exited (pids wrap at 32768 here).
 */
export function procStatus(pid: number, mark: string): string | null {
  const ours = () => {
    try {
      return Deno.readTextFileSync(`/proc/${pid}/cmdline`).includes(mark);
    } catch {
      return false;
    }
  };
  if (!ours()) return null;
  let status: string;
  try {
    status = Deno.readTextFileSync(`/proc/${pid}/status`);
  } catch {
    return null;
  }
  return ours() ? status : null;
}

/**
 * Asserts two long lists of rows are equal, naming the count or the first row that differs: a
 * deepEqual of thousands of rows that differ spends minutes building its diff.
 */
export function assertSameRows(actual: unknown[], expected: unknown[], what = "rows"): void {
  const i = actual.findIndex((row, k) => JSON.stringify(row) !== JSON.stringify(expected[k]));
  if (i >= 0) assert.deepEqual(actual[i], expected[i], `${what}: the first difference, at ${i}`);
  assert.equal(actual.length, expected.length, `${what}: how many`);
}
