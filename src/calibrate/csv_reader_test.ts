import assert from "node:assert/strict";
import { csvFile, csvLines, dataErrorOf } from "./test_csv.ts";

const errorOf = (path: string, max: number) => dataErrorOf(() => csvLines(path, max));

Deno.test("numbers with signs and fractions, CRLF line ends and a last line without one", () => {
  const path = csvFile("1,-2.5,30\r\n0.125,-0,9999999999\n34200.000000001,7,8");
  assert.deepEqual(csvLines(path, 4), [[1, -2.5, 30], [0.125, -0, 9999999999], [
    34200.000000001,
    7,
    8,
  ]]);
});

Deno.test("a bad field or too many fields: an error naming the line and the field", () => {
  assert.match(errorOf(csvFile("1,2\n1,x\n"), 4), /line 2: field 2 is not a number$/);
  assert.match(errorOf(csvFile("1,2\n1,2\n1,,2\n"), 4), /line 3: field 2 is not a number$/);
  assert.match(errorOf(csvFile("1,2\n1,2\n\n"), 4), /line 3: field 1 is not a number$/);
  assert.match(errorOf(csvFile("1,2\n1,2\r3\n"), 4), /line 2: field 2 is not a number$/);
  assert.match(errorOf(csvFile("1,2,3\n1,2,3,4,5\n"), 4), /line 2: more than 3 fields$/);
});

Deno.test("lines across buffer refills, and a line longer than the buffer's reserve, read whole", () => {
  const long = Array.from({ length: 30_000 }, (_, i) => i).join(",");
  const many = Array.from({ length: 200_000 }, (_, i) => `${i},${i * 7}.5`);
  const lines = csvLines(csvFile(`1,2\n${long}\n${long}\n${many.join("\n")}\n3\n`), 30_001);
  assert.deepEqual(lines.slice(0, 3).map((l) => l.length), [2, 30_000, 30_000]);
  assert.equal(lines[2][29_999], 29_999);
  assert.equal(lines.length, 200_004);
  assert.deepEqual(lines[3 + 123_456], [123_456, 123_456 * 7 + 0.5]);
  assert.deepEqual(lines[200_003], [3]);
});
