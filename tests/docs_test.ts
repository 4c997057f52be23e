import assert from "node:assert/strict";
import { PAGE, reference, withReference } from "../scripts/cli_docs.ts";
import { anchors, docPages, outsideFences, prose } from "./docs_pages.ts";
import { ROOT } from "./helpers.ts";

const read = (page: string) => Deno.readTextFileSync(`${ROOT}/${page}`);

Deno.test("docs/cli.md holds every command's --help as the program prints it (deno task docs)", async () => {
  const page = Deno.readTextFileSync(PAGE);
  const fresh = withReference(page, await reference());
  assert.ok(page === fresh, "docs/cli.md is out of date: run deno task docs");
  for (const command of ["run", "info", "export", "platform init", "serve"]) {
    assert.match(page, new RegExp(`^qrsdp ${command}: `, "m"), `no help of ${command}`);
  }
});

Deno.test("the README fits on a page: at most 200 lines", () => {
  const lines = read("README.md").split("\n").length - 1;
  assert.ok(lines <= 200, `README.md has ${lines} lines`);
});

// How we work is not the user's business: the pages speak of the program, not of our process.
const PROCESS_WORDS = [
  /\bissue #?\d+/i,
  /design card/i,
  /\bestablished\b/i,
  /seed's contract/i,
  /shared\/(spec|golden)/i,
];

Deno.test("the docs speak the user's words: none of our process's", () => {
  for (const page of docPages()) {
    read(page).split("\n").forEach((line, i) => {
      for (const word of PROCESS_WORDS) {
        assert.doesNotMatch(line, word, `${page}:${i + 1}: ${line}`);
      }
    });
  }
});

Deno.test("every link of the docs stays in the repository and leads somewhere", () => {
  for (const page of docPages()) {
    const text = read(page);
    assert.doesNotMatch(prose(text), /https?:\/\/|www\./, `${page}: a link out of the repository`);
    const dir = page.includes("/") ? page.slice(0, page.lastIndexOf("/") + 1) : "";
    for (const line of outsideFences(text)) {
      for (const [, target] of line.replace(/`[^`]*`/g, "").matchAll(/\]\(([^)\s]+)\)/g)) {
        const [file, hash] = target.split("#");
        const path = file === "" ? page : new URL(file, `file:///${dir}`).pathname.slice(1);
        let linked: string;
        try {
          linked = Deno.statSync(`${ROOT}/${path}`).isFile ? read(path) : "";
        } catch {
          throw new assert.AssertionError({ message: `${page}: ${target}: no such file` });
        }
        if (hash !== undefined) {
          assert.ok(anchors(linked).has(hash), `${page}: ${target}: no such heading in ${path}`);
        }
      }
    }
  }
});
