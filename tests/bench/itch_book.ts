/**
 * itch-book (PyPI, an independent C++ ITCH 5.0 book builder) rebuilding an ITCH file
 * (itch_book_rebuild.py), for the benchmarks. Its Python is ITCH_BOOK_PYTHON when set, else the
 * analysis venv's, which tests/analysis/setup.sh installs when it is missing or out of date.
 */
const ROOT = new URL("../../", import.meta.url).pathname;
const SCRIPT = `${ROOT}tests/bench/itch_book_rebuild.py`;

export interface ItchBookRebuild {
  messages: number;
  wall: number;
  cpu: number;
  pending_bytes: number;
  missing_refs: number;
  duplicate_refs: number;
  crossed_books: number;
  malformed: number;
}

let ready: Promise<string> | null = null;

/** The Python that imports itch_book: the override, or the analysis venv (set up once). */
export function itchBookPython(): Promise<string> {
  const override = Deno.env.get("ITCH_BOOK_PYTHON");
  if (override) return Promise.resolve(override);
  ready ??= (async () => {
    const out = await new Deno.Command("bash", {
      args: [`${ROOT}tests/analysis/setup.sh`],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (out.code !== 0) throw new Error(`tests/analysis/setup.sh failed (exit ${out.code})`);
    return `${ROOT}tests/analysis/.venv/bin/python`;
  })();
  return ready;
}

/** itch-book's rebuild of `file`; throws with its error output when it fails. */
export async function itchBookRebuild(file: string): Promise<ItchBookRebuild> {
  const python = await itchBookPython();
  const out = await new Deno.Command(python, { args: [SCRIPT, file], stderr: "piped" }).output();
  if (out.code !== 0) {
    throw new Error(`itch-book on ${file}: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}
