/** Keeps secrets out of everything printed, and terminal control codes out of data shown. */

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):[^\s@/]*@/gi;
const PASSWORD_SETTING = /(\b[\w.]*password["']?\s*(?:=|:|\bto\b)\s*["']?)[^\s"',;)]+/gi;

/**
 * The secrets this process holds: the passwords in the environment, each also as it travels
 * (URL-encoded, in HTTP Basic credentials, and escaped inside JSON text, once or nested twice),
 * and a password written into a host name.
 */
export function secretsFrom(env: (name: string) => string | undefined): string[] {
  const out: string[] = [];
  const add = (user: string | undefined, password: string | undefined) => {
    if (!password) return;
    out.push(password, encodeURIComponent(password));
    for (let text = password, n = 0; n < 2; n++) out.push(text = JSON.stringify(text).slice(1, -1));
    if (user !== undefined) out.push(base64(`${user}:${password}`));
  };
  add(env("KAFKA_SASL_USERNAME") ?? "", env("KAFKA_SASL_PASSWORD"));
  add(env("CLICKHOUSE_USER") ?? "default", env("CLICKHOUSE_PASSWORD"));
  const host = /^(?:[a-z]+:\/\/)?([^@/]*)@/i.exec(env("CLICKHOUSE_HOST") ?? "")?.[1];
  if (host) {
    const [user, password] = host.split(":");
    add(user, password);
    add(user, decodeURIComponentSafe(password ?? ""));
  }
  // Longest first, so that a secret containing another is hidden whole.
  return [...new Set(out.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
}

/** `text` with every secret, URL credential and `password=...` value replaced by `***`. */
export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join("***");
  return out.replace(URL_CREDENTIALS, "$1:***@").replace(PASSWORD_SETTING, "$1***");
}

/** Control characters other than newline and tab, shown as `\x1b` instead of acted upon. */
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f\x9b]/g;

export function printable(text: string): string {
  return text.replace(
    CONTROL,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
