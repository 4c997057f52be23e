import assert from "node:assert/strict";
import { Catalog } from "./catalog.ts";
import { fileSource, realDataFiles } from "./compare_sources.ts";
import { HttpError } from "./http_error.ts";

/** A data directory with real-data files in and out of it, links among them. */
function layout() {
  const root = Deno.makeTempDirSync({ prefix: "qrsdp_compare_sources_" });
  const data = `${root}/data`, outside = `${root}/outside`;
  for (const d of [`${data}/lob`, `${data}/deep/a/b/c`, `${data}/.hidden`, outside]) {
    Deno.mkdirSync(d, { recursive: true });
  }
  const write = (path: string) => Deno.writeTextFileSync(path, "34200,1,1,100,1000000,1\n");
  write(`${data}/lob/X_2026-01-02_34200000_57600000_message_5.csv`);
  write(`${data}/lob/X_2026-01-02_34200000_57600000_orderbook_5.csv`);
  write(`${data}/20190130.NASDAQ_ITCH50.gz`);
  write(`${data}/notes.txt`);
  write(`${data}/.hidden/Y_2026-01-02_0_1_message_5.csv`);
  write(`${data}/deep/a/b/c/Z_2026-01-02_0_1_message_5.csv`);
  write(`${outside}/O_2026-01-02_0_1_message_5.csv`);
  write(`${outside}/O_2026-01-02_0_1_orderbook_5.csv`);
  // A message file inside whose orderbook file beside it leads out.
  write(`${data}/lob/L_2026-01-02_0_1_message_5.csv`);
  Deno.symlinkSync(
    `${outside}/O_2026-01-02_0_1_orderbook_5.csv`,
    `${data}/lob/L_2026-01-02_0_1_orderbook_5.csv`,
  );
  Deno.symlinkSync(`${outside}/O_2026-01-02_0_1_message_5.csv`, `${data}/linked_message_5.csv`);
  const catalog = new Catalog(data);
  return { catalog, inside: (p: string) => catalog.inside(p) };
}

Deno.test("real-data files: LOBSTER message files and ITCH files in the data directory, by their paths there", () => {
  // Not listed: a link out, a hidden folder, a folder too deep, a file of another kind.
  const { catalog } = layout();
  assert.deepEqual(realDataFiles(catalog.root), [
    { path: "20190130.NASDAQ_ITCH50.gz", kind: "itch" },
    { path: "lob/L_2026-01-02_0_1_message_5.csv", kind: "lobster" },
    { path: "lob/X_2026-01-02_34200000_57600000_message_5.csv", kind: "lobster" },
  ]);
});

Deno.test("a file source is a LOBSTER pair or an ITCH security inside the data directory", () => {
  const { catalog, inside } = layout();
  const root = catalog.root;
  assert.deepEqual(
    fileSource("lob/X_2026-01-02_34200000_57600000_message_5.csv", null, root, inside),
    {
      kind: "lobster",
      pairs: [{
        message: `${root}/lob/X_2026-01-02_34200000_57600000_message_5.csv`,
        orderbook: `${root}/lob/X_2026-01-02_34200000_57600000_orderbook_5.csv`,
      }],
    },
  );
  assert.deepEqual(fileSource("20190130.NASDAQ_ITCH50.gz", "AAPL", root, inside), {
    kind: "itch",
    path: `${root}/20190130.NASDAQ_ITCH50.gz`,
    symbol: "AAPL",
  });
  const refused = (rel: string, symbol: string | null, status: number, message: RegExp) => {
    try {
      fileSource(rel, symbol, root, inside);
    } catch (e) {
      assert.ok(e instanceof HttpError, String(e));
      assert.equal(e.status, status, rel);
      assert.match(e.message, message);
      assert.ok(!e.message.includes(root), e.message);
      return;
    }
    assert.fail(`${rel}: not refused`);
  };
  refused("20190130.NASDAQ_ITCH50.gz", null, 400, /needs the security/);
  refused("/etc/passwd", null, 400, /path from the data directory/);
  refused("", null, 400, /path from the data directory/);
  refused("../outside/O_2026-01-02_0_1_message_5.csv", null, 404, /not found/);
  refused("linked_message_5.csv", null, 404, /not found/);
  refused("lob/L_2026-01-02_0_1_message_5.csv", null, 404, /not found/);
  refused("notes.txt", null, 404, /not a LOBSTER message file or an ITCH file/);
  refused("no_such_message_5.csv", null, 404, /not found/);
});

Deno.test("real-data files: the listing looks into a bounded number of folders", () => {
  const root = Deno.makeTempDirSync({ prefix: "qrsdp_compare_folders_" });
  for (let i = 0; i < 600; i++) Deno.mkdirSync(`${root}/a${String(i).padStart(3, "0")}`);
  Deno.mkdirSync(`${root}/z`);
  for (const d of ["a000", "z"]) {
    Deno.writeTextFileSync(`${root}/${d}/X_2026-01-02_0_1_message_5.csv`, "");
  }
  assert.deepEqual(realDataFiles(root), [
    { path: "a000/X_2026-01-02_0_1_message_5.csv", kind: "lobster" },
  ]);
});
