import assert from "node:assert/strict";
import { UsageError } from "../core/errors.ts";
import { parseOffset, parseTime } from "./positions.ts";

Deno.test("consume --offset: beginning, end, N and -N; anything else names the flag", () => {
  assert.deepEqual(parseOffset("beginning"), { kind: "beginning" });
  assert.deepEqual(parseOffset("end"), { kind: "end" });
  assert.deepEqual(parseOffset("42"), { kind: "offset", offset: 42 });
  assert.deepEqual(parseOffset("-5"), { kind: "from-end", count: 5 });
  for (const bad of ["", "start", "1.5", "--3", "1e3", "s@100"]) {
    assert.throws(
      () => parseOffset(bad),
      (e: Error) => e instanceof UsageError && /^--offset: /.test(e.message),
    );
  }
});

Deno.test("consume --from-time: milliseconds or ISO 8601 with a zone", () => {
  assert.equal(parseTime("--from-time", "1767364200000"), Date.UTC(2026, 0, 2, 14, 30));
  assert.equal(parseTime("--from-time", "2026-01-02T14:30:00Z"), Date.UTC(2026, 0, 2, 14, 30));
  assert.equal(
    parseTime("--to-time", "2026-01-02T09:30:00.123456-05:00"),
    Date.UTC(2026, 0, 2, 14, 30, 0, 123),
  );
  for (const bad of ["", "2026-01-02T14:30:00", "2026-01-02", "yesterday", "-1"]) {
    assert.throws(() => parseTime("--to-time", bad), /^UsageError: --to-time: /);
  }
});
