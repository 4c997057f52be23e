/**
 * The reference part of docs/cli.md: every command's `--help`, exactly as the program prints it.
 * The page keeps what is written above MARKER and gets the rest from here.
 *
 *   deno task docs            rewrite docs/cli.md
 *   deno task docs --check    exit 1 when docs/cli.md is out of date (tests/docs_test.ts too)
 */

const ROOT = new URL("../", import.meta.url).pathname;
export const PAGE = `${ROOT}docs/cli.md`;
export const MARKER =
  "<!-- Everything below is generated from each command's --help by `deno task docs`. -->";

/** What `qrsdp ARGS` prints on stdout, run with none of the user's settings (defaults only). */
async function qrsdp(args: string[]): Promise<string> {
  const keep = ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME"];
  const env = Object.fromEntries(
    keep.flatMap((k) => Deno.env.get(k) === undefined ? [] : [[k, Deno.env.get(k)!]]),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", `${ROOT}main.ts`, ...args],
    clearEnv: true,
    env,
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `qrsdp ${args.join(" ")}: exit ${out.code}: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return text.trimEnd();
}

/** The commands `qrsdp --help` lists, in its order. */
export function commandsOf(usage: string): string[] {
  const list = usage.split("\nCommands:\n")[1] ?? "";
  return list.split("\n").flatMap((line) => /^ {2}([a-z-]+) /.exec(line)?.[1] ?? []);
}

/** The generated part of the page. */
export async function reference(): Promise<string> {
  const usage = await qrsdp(["--help"]);
  const commands = commandsOf(usage);
  if (commands.length === 0) throw new Error("qrsdp --help lists no commands");
  const helps = await Promise.all(commands.map((c) => qrsdp([c, "--help"])));
  const block = (text: string) => "```text\n" + text + "\n```\n";
  return [
    "## Every command's `--help`\n",
    block(usage),
    ...commands.map((c, i) => `### qrsdp ${c}\n\n${block(helps[i])}`),
  ].join("\n");
}

/** The page with its hand-written top and a fresh reference below the marker. */
export function withReference(page: string, generated: string): string {
  const at = page.indexOf(MARKER);
  const top = (at < 0 ? page : page.slice(0, at)).trimEnd();
  return `${top}\n\n${MARKER}\n\n${generated}`;
}

if (import.meta.main) {
  const page = Deno.readTextFileSync(PAGE);
  const next = withReference(page, await reference());
  if (Deno.args.includes("--check")) {
    if (next !== page) {
      console.error("docs/cli.md is out of date: run deno task docs");
      Deno.exit(1);
    }
  } else if (next !== page) {
    Deno.writeTextFileSync(PAGE, next);
    console.log("docs/cli.md updated");
  }
}
