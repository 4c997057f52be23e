/**
 * Who may talk to the dashboard: only requests addressed to this server by a name it answers to
 * (a page of another site that renames itself to 127.0.0.1 by DNS still sends its own Host), and,
 * for every request that changes something, only the page this server handed out (it alone knows
 * the token of this start).
 */

/** The header a mutating request carries the token in; the page reads it from its meta tag. */
export const TOKEN_HEADER = "x-qrsdp-token";
const WILDCARDS = ["0.0.0.0", "::", ""];

/** An unguessable token, new at every start: 32 random bytes in hex. */
export function newToken(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(32)),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

/**
 * The Host values this server answers to: the address it is bound to, localhost, 127.0.0.1 and
 * [::1], each with the port; bound to every interface, also each interface's address.
 */
export function allowedHosts(
  bound: string,
  port: number,
  interfaces: () => string[] = () => Deno.networkInterfaces().map((i) => i.address),
): Set<string> {
  const names = ["localhost", "127.0.0.1", "::1"];
  if (WILDCARDS.includes(bound)) names.push(...interfaces());
  else names.push(bound);
  const out = new Set<string>();
  for (const name of names) {
    const host = name.includes(":") ? `[${name}]` : name;
    out.add(`${host}:${port}`.toLowerCase());
    if (port === 80) out.add(host.toLowerCase());
  }
  return out;
}

/** True when a request to `host` (its Host header) is addressed to this server. */
export function hostAllowed(host: string | null, allowed: Set<string>): boolean {
  return host !== null && allowed.has(host.toLowerCase());
}

/** GET and HEAD read; everything else changes something and needs the token. */
export function isMutating(method: string): boolean {
  return method !== "GET" && method !== "HEAD";
}

/** Compares in time independent of where the texts first differ. */
export function tokenMatches(given: string | null, token: string): boolean {
  if (given === null || given.length !== token.length) return false;
  let diff = 0;
  for (let i = 0; i < token.length; i++) diff |= given.charCodeAt(i) ^ token.charCodeAt(i);
  return diff === 0;
}

/** The page may run only its own scripts, load only from here, and never sit in a frame. */
export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; " +
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
    "form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-resource-policy": "same-origin",
};
