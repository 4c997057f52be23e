import assert from "node:assert/strict";

/**
 * The layering of src/: a module may import from its own layer or from below. Folders not
 * listed (new concerns: calibrate/, itch/, serve/, ...) sit above run/ and below cli/.
 */
const LAYERS: Record<string, number> = {
  core: 0,
  format: 1,
  book: 1,
  model: 1,
  sinks: 2,
  kafka: 2,
  platform: 2,
  run: 3,
  cli: 5,
};
const CONCERN = 4;

const SRC = new URL(".", import.meta.url);

function* modules(dir: URL): Generator<URL> {
  for (const entry of Deno.readDirSync(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* modules(url);
    else if (entry.name.endsWith(".ts")) yield url;
  }
}

function folder(url: URL): string | null {
  const rest = url.pathname.slice(SRC.pathname.length);
  return url.pathname.startsWith(SRC.pathname) && rest.includes("/") ? rest.split("/")[0] : null;
}

const rank = (f: string) => LAYERS[f] ?? CONCERN;

/** Every `from "./x"` and `import("./x")` of a module, resolved. */
function importsOf(url: URL): URL[] {
  const text = Deno.readTextFileSync(url);
  return [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) =>
    new URL(m[1], url)
  );
}

Deno.test("no module in src/ imports from a higher layer", () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const url of modules(SRC)) {
    const from = folder(url);
    if (from === null) continue;
    for (const target of importsOf(url)) {
      const to = folder(target);
      checked++;
      if (to !== null && rank(to) > rank(from)) {
        wrong.push(`${from}/${url.pathname.split("/").pop()} imports ${target.pathname}`);
      }
    }
  }
  assert.ok(checked > 100, `only ${checked} imports found: is the pattern still right?`);
  assert.deepEqual(wrong, []);
});

Deno.test("the import scan sees static and dynamic imports", () => {
  const cli = new URL("cli/main.ts", SRC);
  const found = importsOf(cli).map((u) => u.pathname.split("/src/")[1]);
  assert.ok(found.includes("core/errors.ts"), found.join(" "));
  assert.ok(found.includes("cli/run_command.ts"), "a dynamic import");
});
