/**
 * The bench's stand-in for the `qrsdp` process: runs the CLI's `main` with the given arguments in
 * this process (which loads nothing else), then prints, on stderr, one line `bench-child {json}`
 * with the process's peak RSS and CPU seconds. Started with the program's V8 flags
 * (`programV8Flags`), as the compiled binary and `deno task run` start it.
 */
import process from "node:process";
import { main } from "../../src/cli/main.ts";

const cpu0 = process.cpuUsage();
const code = await main(Deno.args, new URL("../../main.ts", import.meta.url));
const cpu = process.cpuUsage(cpu0);
const status = Deno.readTextFileSync("/proc/self/status");
const peakRssMiB = Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
console.error(
  `bench-child ${JSON.stringify({ peakRssMiB, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}`,
);
Deno.exit(code);
