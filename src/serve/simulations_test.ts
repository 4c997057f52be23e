import assert from "node:assert/strict";
import { BadRequest } from "./http_error.ts";
import { isRunId } from "./catalog.ts";
import { parseRequest, runName } from "./simulations.ts";

Deno.test("a simulation request: defaults, normalised symbols, one message per bad field", () => {
  assert.deepEqual(parseRequest({ symbol: " aapl, msft ", p0: 100, days: 3 }), {
    symbol: "AAPL,MSFT",
    p0: 100,
    sessionSeconds: 23400,
    days: 3,
    preset: "default",
    seed: 42,
  });
  const bad: [unknown, RegExp][] = [
    [null, /JSON object/],
    [{ symbol: "X", p0: 1, days: 1, sessionSeconds: 60 }, /^sessionSeconds: /],
    [{ symbol: "X", p0: 1, days: 1, preset: "fast" }, /^preset: /],
    [{ symbol: "X", p0: 0, days: 1 }, /^p0: /],
    [{ symbol: "X", p0: 1, days: 252.5 }, /^days: /],
    [{ symbol: "X", p0: 1, days: 1, seed: -1 }, /^seed: /],
    [{ symbol: "..", p0: 1, days: 1 }, /^symbol: /],
    [{ symbol: "A,a", p0: 1, days: 1 }, /^symbol: a symbol repeats/],
  ];
  for (const [body, message] of bad) {
    assert.throws(
      () => parseRequest(body),
      (e) => e instanceof BadRequest && message.test(e.message),
    );
  }
});

Deno.test("a run's name is a plain name whatever its symbols", () => {
  assert.equal(runName(["AAPL", "MSFT"], 7), "AAPL-MSFT-7");
  for (
    const symbols of [
      ["-A"],
      [".X", "_"],
      ["_"],
      Array.from({ length: 20 }, (_, i) => `SYM${i}LONGNAME`),
    ]
  ) {
    const parsed = parseRequest({ symbol: symbols.join(","), p0: 1, days: 1 });
    const name = runName(parsed.symbol.split(","), 2 ** 52);
    assert.ok(isRunId(`${name}-99`), name);
  }
});
