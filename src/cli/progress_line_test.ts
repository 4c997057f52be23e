import assert from "node:assert/strict";
import { progressLine } from "./progress_line.ts";
import type { ProgressView } from "./progress_line.ts";

const view: ProgressView = {
  symbols: ["AAPL", "MSFT"],
  day: 2,
  days: 5,
  clockNs: 38_467_000_000_000,
  events: 3_400_000,
  elapsedSeconds: 1.7,
  fraction: 0.25,
};

Deno.test("progress line: securities, day k of N, simulated clock, ETA, rate, events", () => {
  assert.equal(
    progressLine(view, 80),
    "AAPL,MSFT day 2/5 10:41:07 | ETA 5s | 2.0M ev/s | 3.4M events",
  );
});

Deno.test("progress line: no ETA without an end; a continuous run counts days without N", () => {
  const line = progressLine({ ...view, days: 0, fraction: null }, 80);
  assert.equal(line, "AAPL,MSFT day 2 10:41:07 | 2.0M ev/s | 3.4M events");
});

Deno.test("progress line: never as wide as the terminal, dropping the least useful parts", () => {
  const many = { ...view, symbols: Array.from({ length: 40 }, (_, i) => `SYM${i}`) };
  for (let width = 1; width <= 120; width++) {
    for (const v of [view, many, { ...view, symbols: [null] }]) {
      assert.ok(progressLine(v, width).length < Math.max(width, 2), `width ${width}`);
    }
  }
  assert.equal(
    progressLine(many, 80),
    "40 securities day 2/5 10:41:07 | ETA 5s | 2.0M ev/s | 3.4M events",
  );
  assert.equal(progressLine(view, 40), "AAPL,MSFT day 2/5 10:41:07 | ETA 5s");
  assert.equal(progressLine(view, 27), "AAPL,MSFT day 2/5 10:41:07");
  assert.equal(progressLine({ ...view, symbols: [null] }, 80).split(" ")[0], "events");
});

Deno.test("progress line: ETA in minutes and hours", () => {
  assert.match(progressLine({ ...view, elapsedSeconds: 100, fraction: 0.5 }, 80), /ETA 1:40 /);
  assert.match(progressLine({ ...view, elapsedSeconds: 3600, fraction: 0.25 }, 80), /ETA 3:00:00 /);
});
