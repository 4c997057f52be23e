import { consoleText } from "../core/console_text.ts";
import { printable, redact, secretsFrom } from "../core/redact.ts";

let secrets: string[] = [];

/** What reaches the user: never a secret, never a control code from data (progress aside). */
export function shown(text: string): string {
  return printable(redact(text, secrets));
}

/**
 * Routes every console line of this process through `shown`, and turns an error nobody caught
 * (a rejected promise of a client library, say) into one shown line instead of a stack trace
 * that may quote a password.
 */
export function guardOutput(env: (name: string) => string | undefined): void {
  secrets = secretsFrom(env);
  for (const method of ["log", "info", "error", "warn"] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => original(shown(consoleText(args)));
  }
  const uncaught = (e: Event, error: unknown) => {
    e.preventDefault();
    console.error(`qrsdp: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(1);
  };
  globalThis.addEventListener("unhandledrejection", (e) => uncaught(e, e.reason));
  globalThis.addEventListener("error", (e) => uncaught(e, e.error ?? e.message));
}

/** Raw output (CSV, JSON lines) for another program: secrets hidden, bytes otherwise as sent. */
export async function writeRaw(text: string): Promise<void> {
  const safe = redact(text, secrets);
  await Deno.stdout.write(
    new TextEncoder().encode(Deno.stdout.isTerminal() ? printable(safe) : safe),
  );
}
