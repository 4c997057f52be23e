/** -h, --help and --version on every command; usage for a missing command goes to stderr. */
import assert from "node:assert/strict";
import { runCli } from "./helpers.ts";
import { VERSION } from "../src/cli/version.ts";

/** Every command the top-level help lists, and the platform subcommands. */
async function commands(): Promise<string[][]> {
  const top = await runCli(["--help"]);
  assert.equal(top.code, 0);
  const names = top.stdout.split("Commands:\n")[1].trim().split("\n").map((l) =>
    l.trim().split(/\s+/)[0]
  );
  assert.ok(
    names.includes("run") && names.includes("export") && names.includes("consume"),
    top.stdout,
  );
  return [...names.map((n) => [n]), ["platform", "init"], ["platform", "topic"]];
}

Deno.test("every command and subcommand: -h and --help print its help on stdout, exit 0", async () => {
  for (const command of await commands()) {
    for (const flag of ["-h", "--help"]) {
      const r = await runCli([...command, flag]);
      assert.equal(r.code, 0, `${command.join(" ")} ${flag}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^qrsdp ${command.join(" ")}[: ]`), `${command} ${flag}`);
      assert.match(r.stdout, /Usage: /);
      assert.match(r.stdout, /--version/);
      assert.equal(r.stderr, "");
    }
  }
});

Deno.test("every command and subcommand: --version prints the version, exit 0", async () => {
  for (const command of [[], ...await commands()]) {
    const r = await runCli([...command, "--version"]);
    assert.equal(r.code, 0, `${command.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, `${VERSION}\n`);
  }
});

Deno.test("a missing command or subcommand: the usage on stderr, nothing on stdout, exit 2", async () => {
  for (const args of [[], ["platform"]]) {
    const r = await runCli(args);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /Usage: qrsdp/);
  }
});
