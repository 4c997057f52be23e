/**
 * Issue 9, item 15 and "no secret in any output": every command, run with SASL and ClickHouse
 * passwords set, against servers that echo those passwords in their errors, prints none of them.
 */
import assert from "node:assert/strict";
import { fakeClickHouse, fakeKafka } from "./fake_servers.ts";
import { runCli, tempDir } from "./helpers.ts";

const KAFKA_PASSWORD = "kafka-Pw-7f3a9c";
const CLICKHOUSE_PASSWORD = "ch-Pw-41b2e8";
const HOST_PASSWORD = "host-Pw-93d1";

/** Every form in which a password could leak: as is, URL-encoded and inside Basic credentials. */
function leaks(text: string): string[] {
  const forms = [KAFKA_PASSWORD, CLICKHOUSE_PASSWORD, HOST_PASSWORD].flatMap((p) => [
    p,
    encodeURIComponent(p),
    btoa(`default:${p}`),
    btoa(`alice:${p}`),
    btoa(`u:${p}`),
  ]);
  return forms.filter((f) => text.includes(f));
}

Deno.test("no command prints a password, whatever the servers echo back", async () => {
  const clickhouse = fakeClickHouse();
  const kafka = fakeKafka(KAFKA_PASSWORD);
  const broker = `127.0.0.1:${kafka.port}`;
  const env = {
    KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT",
    KAFKA_SASL_MECHANISM: "PLAIN",
    KAFKA_SASL_USERNAME: "alice",
    KAFKA_SASL_PASSWORD: KAFKA_PASSWORD,
    KAFKA_BROKERS: broker,
    CLICKHOUSE_HOST: "127.0.0.1",
    CLICKHOUSE_PORT: String(clickhouse.port),
    CLICKHOUSE_PASSWORD,
  };
  const dir = `${tempDir("secrets")}/run`;
  const made = await runCli(["run", "--seconds", "20", "--quiet", "--output", dir]);
  assert.equal(made.code, 0, made.stderr);
  const kafkaArgs = ["--kafka-brokers", broker, "--kafka-timeout", "1"];
  const commands = [
    ["run", "--seconds", "20", "--output", `${dir}2`, ...kafkaArgs],
    ["replay", dir, ...kafkaArgs],
    ["info", dir],
    ["platform", "init"],
    ["platform", "topic", ...kafkaArgs],
    ["query", "SELECT 1"],
    ["query", "SELECT 1", "--format", "json"],
    ["midprice"],
    ["status"],
    ["status", "--kafka-brokers", broker],
  ];
  try {
    // A password written into CLICKHOUSE_HOST concerns the ClickHouse commands only.
    const hostEnv = { CLICKHOUSE_HOST: `u:${HOST_PASSWORD}@127.0.0.1`, KAFKA_BROKERS: "" };
    const clickhouseCommands = [["platform", "init"], ["query", "SELECT 1"], ["status"]];
    for (const [extra, list] of [[{}, commands], [hostEnv, clickhouseCommands]] as const) {
      for (const args of list) {
        const res = await runCli(args, { env: { ...env, ...extra } });
        const out = res.stdout + res.stderr;
        assert.deepEqual(leaks(out), [], `${args.join(" ")} printed a password:\n${out}`);
        assert.doesNotMatch(res.stderr, /\n\s+at /, `${args.join(" ")}: a stack trace`);
      }
    }
    // The servers were really sent the passwords, and echoed them: the test can fail.
    assert.ok(leaks(clickhouse.received()).length > 0, "ClickHouse got the credentials");
    assert.ok(clickhouse.received().includes(KAFKA_PASSWORD), "init.sql carried the SASL password");
  } finally {
    await clickhouse.stop();
    await kafka.stop();
  }
});
