/**
 * The whole test suite, as `deno task test` and .ci/run run it: installs what the integration
 * tests need (Kafka jars from Maven Central, chdb, DuckDB and hftbacktest from PyPI, the compose validator from the Go
 * module proxy, Chromium from the Debian archive), starts the Kafka test broker, runs every test
 * file, and stops the broker whatever happens: the tests in tests/ and the unit tests beside the
 * code in src/. Arguments go to `deno test` (e.g. a file or `--filter NAME`). The tests' temporary
 * files (about 250 directories, 0.7 GB a run) go to one directory, removed at the end.
 */
import { KAFKA_TEST_BROKERS } from "./kafka/broker.ts";

const HERE = new URL(".", import.meta.url).pathname;
const SRC = new URL("../src/", import.meta.url).pathname;

async function bash(script: string, env: Record<string, string> = {}): Promise<void> {
  console.log(`tests/run: ${script}`);
  const { code } = await new Deno.Command("bash", {
    args: [`${HERE}${script}`],
    env,
    stdout: "inherit",
    stderr: "inherit",
  })
    .output();
  if (code !== 0) throw new Error(`tests/${script} failed with exit code ${code}`);
}

const port = KAFKA_TEST_BROKERS.split(":").pop()!;
await bash("kafka/fetch.sh");
await bash("clickhouse/setup.sh");
await bash("analysis/setup.sh");
await bash("compose/setup.sh");
await bash("browser/setup.sh");
await bash("itch/setup.sh");
await bash("kafka/start.sh", { KAFKA_TEST_PORT: port });

let code = 1;
const scratch = Deno.makeTempDirSync({ prefix: "qrsdp_tests_" });
const removeScratch = () => {
  try {
    Deno.removeSync(scratch, { recursive: true });
  } catch (e) {
    console.error(`tests/run: could not remove ${scratch}: ${(e as Error).message}`);
  }
};
const stop = () => bash("kafka/stop.sh", { KAFKA_TEST_PORT: port }).finally(removeScratch);
const onSignal = () => stop().finally(() => Deno.exit(130));
Deno.addSignalListener("SIGINT", onSignal);
Deno.addSignalListener("SIGTERM", onSignal);
try {
  const args = Deno.args.length ? Deno.args : [`${HERE}`, SRC];
  ({ code } = await new Deno.Command(Deno.execPath(), {
    // The tests' lock: deno.lock's packages and the tests' own (puppeteer-core).
    args: ["test", "-A", "--parallel", `--lock=${HERE}deno.lock`, ...args],
    // Deno's temporary files, Chromium's profile and Python's tempfile all follow TMPDIR.
    env: { KAFKA_TEST_BROKERS: `127.0.0.1:${port}`, TMPDIR: scratch },
    stdout: "inherit",
    stderr: "inherit",
  }).output());
} finally {
  await stop();
}
Deno.exit(code);
