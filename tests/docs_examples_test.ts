import assert from "node:assert/strict";
import { docPages, fences } from "./docs_pages.ts";
import { programV8Flags, ROOT } from "./helpers.ts";

/** The words after `sh` that mark a block the tests cannot run (docs/architecture.md). */
const NOT_RUN = new Set(["server", "docker", "install", "suite"]);
const SHELLS = /^(sh|bash|shell|console|zsh)\b/;
const STOP_JOBS = "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n";
/** What a clone of the repository needs to run the program. */
const PROGRAM = ["deno.json", "deno.lock", "main.ts", "src", "sql", "docker"];

const pages = docPages().map((page) => {
  const blocks = fences(Deno.readTextFileSync(`${ROOT}/${page}`))
    .filter((f) => SHELLS.test(f.info));
  return { page, blocks };
});

Deno.test("every shell block of the docs is fenced as sh, with at most one word saying what it needs", () => {
  for (const { page, blocks } of pages) {
    for (const b of blocks) {
      const [lang, need, ...rest] = b.info.split(/\s+/);
      assert.ok(
        lang === "sh" && rest.length === 0 && (need === undefined || NOT_RUN.has(need)),
        `${page}:${b.line}: \`\`\`${b.info} (write sh, or sh followed by one of ${[...NOT_RUN]})`,
      );
    }
  }
  // The README's first two commands are the run and the suite.
  const readme = pages[0].blocks;
  assert.match(readme[0].body, /^npx -y deno@\S+ task run\b/);
  assert.equal(readme[0].info, "sh");
  assert.match(readme[1].body, /^npx -y deno@\S+ task test\b/);
});

/** A fresh copy of the program with `qrsdp` on the PATH, as after the README's install. */
function freshClone(): { dir: string; env: Record<string, string> } {
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_docs_" });
  for (const entry of PROGRAM) {
    const copy = new Deno.Command("cp", { args: ["-R", `${ROOT}/${entry}`, `${dir}/`] })
      .outputSync();
    assert.ok(copy.success, new TextDecoder().decode(copy.stderr));
  }
  Deno.mkdirSync(`${dir}/.bin`);
  Deno.writeTextFileSync(
    `${dir}/.bin/qrsdp`,
    `#!/bin/sh\nexec "${Deno.execPath()}" run -A ${
      programV8Flags().join(" ")
    } "${dir}/main.ts" "$@"\n`,
    { mode: 0o755 },
  );
  const env: Record<string, string> = {
    ...Deno.env.toObject(),
    PATH: `${dir}/.bin:${Deno.env.get("PATH")}`,
  };
  // The examples speak of a machine where no server is configured.
  for (const name of Object.keys(env)) {
    if (/^(KAFKA|CLICKHOUSE)_/.test(name)) delete env[name];
  }
  return { dir, env };
}

for (const { page, blocks } of pages) {
  const runnable = blocks.filter((b) => b.info === "sh");
  if (runnable.length === 0) continue;
  Deno.test(`${page}: every example runs, in order, in a fresh clone`, async () => {
    const { dir, env } = freshClone();
    try {
      for (const b of runnable) {
        const out = await new Deno.Command("bash", {
          // A command started in the background (a listener) ends with its block.
          args: ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", STOP_JOBS + b.body],
          cwd: dir,
          env,
          clearEnv: true,
          stdin: "null",
        }).output();
        const stderr = new TextDecoder().decode(out.stderr);
        assert.equal(out.code, 0, `${page}:${b.line}: exit ${out.code}\n${b.body}\n${stderr}`);
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
}
