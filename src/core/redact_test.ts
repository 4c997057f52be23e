import assert from "node:assert/strict";
import { printable, redact, secretsFrom } from "./redact.ts";

const env = (vars: Record<string, string>) => (n: string) => vars[n];

Deno.test("redact hides each password from the environment, raw, URL-encoded and in Basic auth", () => {
  const secrets = secretsFrom(env({
    KAFKA_SASL_USERNAME: "bob",
    KAFKA_SASL_PASSWORD: "s3cr:t/pw",
    CLICKHOUSE_PASSWORD: "chpass",
  }));
  const text = `auth failed for s3cr:t/pw (s3cr%3At%2Fpw), Basic ${btoa("default:chpass")}, chpass`;
  const out = redact(text, secrets);
  assert.doesNotMatch(out, /s3cr|chpass|ZGVmYXVsdDpjaHBhc3M/);
  assert.match(out, /auth failed for \*\*\* \(\*\*\*\), Basic \*\*\*, \*\*\*/);
});

Deno.test("redact hides URL credentials and password settings it was not told about", () => {
  assert.equal(redact("at http://u:p@h:8123 now", []), "at http://u:***@h:8123 now");
  assert.equal(
    redact("kafka_sasl_password = 'hunter2', x", []),
    "kafka_sasl_password = '***', x",
  );
  assert.equal(redact("password: abc", []), "password: ***");
});

Deno.test("a password written into CLICKHOUSE_HOST is a secret too", () => {
  const secrets = secretsFrom(env({ CLICKHOUSE_HOST: "u:p%40ss@h" }));
  assert.ok(secrets.includes("p%40ss") && secrets.includes("p@ss"));
});

Deno.test("printable shows control characters instead of sending them to the terminal", () => {
  assert.equal(printable("a\x1b[2Jb\tc\nd\x07"), "a\\x1b[2Jb\tc\nd\\x07");
});

Deno.test("a password is hidden also as JSON text holds it, escaped once or twice", () => {
  const password = 'S3cr3t"M4rk\\er';
  const secrets = secretsFrom(env({ CLICKHOUSE_PASSWORD: password }));
  const once = JSON.stringify({ error: `bad password ${password}` });
  const twice = JSON.stringify({ error: once });
  for (const text of [once, twice]) {
    const out = redact(text, secrets);
    assert.doesNotMatch(out, /M4rk/, out);
  }
  assert.equal(redact(once, secrets), JSON.stringify({ error: "bad password ***" }));
});
