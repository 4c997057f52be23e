import assert from "node:assert/strict";
import dgram from "node:dgram";
import { runCli, spawnCli, tempDir } from "../helpers.ts";

/** A run directory of `qrsdp run` with these flags. */
export async function generate(flags: string[]): Promise<string> {
  const dir = `${tempDir("itch_udp")}/run`;
  const res = await runCli(["run", ...flags, "--output", dir, "--quiet"]);
  assert.equal(res.code, 0, res.stderr);
  return dir;
}

/** A UDP port nobody uses now. */
export async function freePort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", () => resolve()));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface Listened {
  code: number;
  stdout: string;
  stderr: string;
}

/** Starts `qrsdp listen` and waits until its socket is bound (it says so on stderr). */
export async function startListener(args: string[]) {
  const child = spawnCli(["listen", ...args]);
  const decoder = new TextDecoder();
  let stderr = "";
  const errReader = child.stderr.getReader();
  while (!stderr.includes("listening")) {
    const { value, done } = await errReader.read();
    if (done) break;
    stderr += decoder.decode(value, { stream: true });
  }
  const stdoutText = new Response(child.stdout).text();
  const restErr = (async () => {
    for (;;) {
      const { value, done } = await errReader.read();
      if (done) return stderr;
      stderr += decoder.decode(value, { stream: true });
    }
  })();
  return {
    child,
    /**
     * Its exit, once the sender is done: a listener still waiting a minute later (a lost end of
     * session) is stopped, so that its summary shows what is missing.
     */
    async finish(): Promise<Listened> {
      const timer = setTimeout(() => child.kill("SIGTERM"), 60_000);
      const [status, stdout, err] = await Promise.all([child.status, stdoutText, restErr]);
      clearTimeout(timer);
      return { code: status.code, stdout, stderr: err };
    },
  };
}

/** Messages of an ITCH file, counted by walking the length prefixes. */
export function messageCount(bytes: Uint8Array): number {
  let n = 0;
  for (let o = 0; o < bytes.length; o += 2 + ((bytes[o] << 8) | bytes[o + 1])) n++;
  return n;
}

export function summaryNumber(text: string, label: string): number {
  const m = new RegExp(`^${label}: ([\\d,]+)`, "m").exec(text);
  assert.ok(m, `no '${label}' in ${text}`);
  return Number(m[1].replaceAll(",", ""));
}
