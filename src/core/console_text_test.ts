import assert from "node:assert/strict";
import { format } from "node:util";
import { consoleText } from "./console_text.ts";

Deno.test("consoleText: format specifiers and plain values as node:util's format has them", () => {
  const cases: unknown[][] = [
    ["plain"],
    ["100%"],
    ["%s"],
    ["%%"],
    ["a", "b", 3],
    [1, "a", true, null, undefined],
    ["%s is %d years", "Ann", 42],
    ["%s=%s", "k"],
    ["%i and %f", "42.9", "1.5e3"],
    ["%d%%", 50],
    ["%j", { a: [1, "x"] }],
    ["%O", [1, 2]],
    ["%o", 5],
    ["%c styled", "color: red"],
    ["%s", 12n],
    ["%d", 12n],
    ["extra", { a: 1 }, [1, 2]],
    ["%s", null],
    ["%x %s", "y"],
  ];
  for (const args of cases) assert.equal(consoleText(args), format(...args), Deno.inspect(args));
});

Deno.test("consoleText: objects and errors as Deno's console shows them", () => {
  assert.equal(consoleText([{ a: 1, b: "x" }]), '{ a: 1, b: "x" }');
  assert.equal(consoleText(["got", { b: "x" }]), 'got { b: "x" }');
  const e = new Error("boom");
  assert.match(consoleText([e]), /^Error: boom\n {4}at /);
  assert.match(consoleText(["failed:", e]), /^failed: Error: boom\n {4}at /);
});
