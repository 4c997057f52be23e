import assert from "node:assert/strict";
import { buildManifest, writeManifest } from "../format/manifest.ts";
import { Catalog } from "./catalog.ts";
import { BadRequest, NotFound } from "./http_error.ts";

const SETTINGS = {
  baseSeed: 1n,
  sessionSeconds: 60,
  tickSize: 100,
  levelsPerSide: 5,
  initialSpreadTicks: 2,
  initialDepth: 5,
  thetaReinit: 0,
};

function run(dir: string, file = "2026-01-02.qrsdp") {
  Deno.mkdirSync(dir, { recursive: true });
  writeManifest(
    dir,
    buildManifest(SETTINGS, [{
      symbol: null,
      p0Ticks: 10000,
      sessions: [{ date: "2026-01-02", seed: 1n, file }],
    }]),
  );
}

Deno.test("the catalog opens nothing outside its data directory", async () => {
  const root = Deno.makeTempDirSync();
  const outside = `${root}/outside`;
  run(outside);
  Deno.writeTextFileSync(`${outside}/2026-01-02.qrsdp`, "secret");
  const data = `${root}/data`;
  run(`${data}/plain`);
  Deno.writeTextFileSync(`${data}/plain/2026-01-02.qrsdp`, "x");
  run(`${data}/escapes`, "../../outside/2026-01-02.qrsdp");
  run(`${data}/absolute`, `${outside}/2026-01-02.qrsdp`);
  Deno.symlinkSync(outside, `${data}/linked`);
  run(`${data}/linkfile`);
  Deno.symlinkSync(`${outside}/2026-01-02.qrsdp`, `${data}/linkfile/2026-01-02.qrsdp`);
  const catalog = new Catalog(data);

  assert.deepEqual((await catalog.list()).map((r) => r.id), [
    "absolute",
    "escapes",
    "linkfile",
    "plain",
  ]);
  assert.equal(catalog.sessions("plain")[0][0].path, `${catalog.root}/plain/2026-01-02.qrsdp`);
  for (const id of ["escapes", "absolute", "linkfile", "linked"]) {
    assert.throws(() => catalog.sessions(id), NotFound, id);
  }
  for (const id of ["..", ".", "../outside", "a/b", ".hidden", ""]) {
    assert.throws(() => catalog.dir(id), BadRequest, id);
  }
  assert.throws(() => catalog.dir("absent"), NotFound);
  Deno.removeSync(root, { recursive: true });
});

Deno.test("a damaged simulation.json falls back to the manifest", () => {
  const data = Deno.makeTempDirSync();
  run(`${data}/r`);
  Deno.writeTextFileSync(`${data}/r/simulation.json`, '{"plan": 5}');
  const plan = new Catalog(data).plan("r");
  assert.deepEqual(plan.symbols, [null]);
  assert.equal(plan.sessionSeconds, 60);
  assert.equal(plan.days, 1);
  Deno.removeSync(data, { recursive: true });
});
