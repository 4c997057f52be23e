import assert from "node:assert/strict";
import { UsageError } from "../core/errors.ts";
import { retryPolicy } from "./retry.ts";
import { DEFAULT_TOPIC, kafkaSettings } from "./settings.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];
const options = { maxInFlight: 10, timeoutSeconds: 2 };

Deno.test("kafka settings: none without brokers; flags win over KAFKA_* variables", () => {
  assert.equal(kafkaSettings(options, env({})), null);
  const fromEnv = kafkaSettings(options, env({ KAFKA_BROKERS: "a:1, b:2", KAFKA_TOPIC: "t" }))!;
  assert.deepEqual(fromEnv, {
    brokers: ["a:1", "b:2"],
    topic: "t",
    securityProtocol: "PLAINTEXT",
    maxInFlight: 10,
    timeoutMs: 2000,
    recordsPerMessage: 1,
    lingerMs: 5,
    valueFormat: "rowbinary",
  });
  const fromFlags = kafkaSettings(
    { ...options, brokers: "c:3", topic: "u" },
    env({ KAFKA_BROKERS: "a:1", KAFKA_TOPIC: "t" }),
  )!;
  assert.deepEqual([fromFlags.brokers, fromFlags.topic], [["c:3"], "u"]);
  assert.equal(kafkaSettings({ ...options, brokers: "c:3" }, env({}))!.topic, DEFAULT_TOPIC);
});

Deno.test("kafka settings: json and avro are one event per message; avro needs a registry", () => {
  const brokers = { ...options, brokers: "a:1" };
  const avro = kafkaSettings(
    { ...brokers, valueFormat: "avro", schemaRegistry: "http://r:8081" },
    env({}),
  )!;
  assert.deepEqual([avro.valueFormat, avro.schemaRegistry], ["avro", "http://r:8081"]);
  assert.throws(
    () => kafkaSettings({ ...brokers, valueFormat: "avro" }, env({})),
    /^UsageError: --kafka-format avro needs --schema-registry URL$/,
  );
  for (const valueFormat of ["json", "avro"] as const) {
    assert.throws(
      () =>
        kafkaSettings(
          { ...brokers, valueFormat, schemaRegistry: "http://r", recordsPerMessage: 4 },
          env({}),
        ),
      /one event per message: --kafka-records-per-message .* must be 1/,
    );
  }
});

Deno.test("kafka settings: records per message from the flag, else KAFKA_RECORDS_PER_MESSAGE", () => {
  const packed = (flag: number | undefined, vars: Record<string, string>) =>
    kafkaSettings({ ...options, brokers: "a:1", recordsPerMessage: flag }, env(vars))!
      .recordsPerMessage;
  assert.equal(packed(undefined, {}), 1);
  assert.equal(packed(undefined, { KAFKA_RECORDS_PER_MESSAGE: "64" }), 64);
  assert.equal(packed(16, { KAFKA_RECORDS_PER_MESSAGE: "64" }), 16);
  for (const text of ["0", "1.5", "x", "10001"]) {
    assert.throws(
      () => packed(undefined, { KAFKA_RECORDS_PER_MESSAGE: text }),
      (e) =>
        e instanceof UsageError &&
        e.message === `KAFKA_RECORDS_PER_MESSAGE: '${text}' is not an integer from 1 to 10000`,
    );
  }
});

Deno.test("kafka settings: SASL from the environment, and one-line errors", () => {
  const sasl = kafkaSettings(
    { ...options, brokers: "a:1" },
    env({
      KAFKA_SECURITY_PROTOCOL: "sasl_ssl",
      KAFKA_SASL_MECHANISM: "scram-sha-512",
      KAFKA_SASL_USERNAME: "u",
      KAFKA_SASL_PASSWORD: "p",
    }),
  )!;
  assert.equal(sasl.securityProtocol, "SASL_SSL");
  assert.equal(sasl.saslMechanism, "SCRAM-SHA-512");
  const bad: [Record<string, string>, RegExp][] = [
    [{ KAFKA_BROKERS: "nohost" }, /^KAFKA_BROKERS: 'nohost' is not host:port$/],
    [{ KAFKA_BROKERS: "a:1", KAFKA_SECURITY_PROTOCOL: "TLS" }, /KAFKA_SECURITY_PROTOCOL: 'TLS'/],
    [
      { KAFKA_BROKERS: "a:1", KAFKA_SECURITY_PROTOCOL: "SASL_SSL" },
      /^SASL_SSL needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD$/,
    ],
  ];
  for (const [vars, message] of bad) {
    assert.throws(
      () => kafkaSettings(options, env(vars)),
      (e) => e instanceof UsageError && message.test(e.message),
    );
  }
});

Deno.test("retry policy: doubling waits from 300 ms, capped at 5 s, as many as fit the budget", () => {
  // 300 + 600 + 1200 + 2400 + 4800 + 4 x 5000 = 29,300 <= 30,000 ms of budget: 9 retries
  assert.equal(retryPolicy(30_000).retries, 9);
  assert.equal(retryPolicy(4_500).retries, 4);
  assert.equal(retryPolicy(0).retries, 1, "at least one retry");
  assert.deepEqual(
    { ...retryPolicy(1000), retries: 0 },
    { initialRetryTime: 300, maxRetryTime: 5000, retries: 0, multiplier: 2 },
  );
});
