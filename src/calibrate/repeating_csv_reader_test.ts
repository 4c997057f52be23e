import assert from "node:assert/strict";
import { csvFile, csvLines, dataErrorOf } from "./test_csv.ts";
import { RepeatingCsvReader } from "./repeating_csv_reader.ts";

/** Every line's fields and the fields it says may have changed since the line before. */
function readAll(path: string, max: number) {
  const reader = new RepeatingCsvReader(path, max);
  const lines: number[][] = [], changed: [number, number][] = [];
  try {
    for (let n = reader.next(); n !== null; n = reader.next()) {
      lines.push(Array.from(reader.fields.subarray(0, n)));
      changed.push([reader.changedFrom, reader.changedTo]);
    }
  } finally {
    reader.close();
  }
  return { lines, changed };
}

const errorOf = (path: string, max: number) => dataErrorOf(() => readAll(path, max));

Deno.test("numbers with signs and fractions, CRLF line ends and a last line without one", () => {
  const path = csvFile("1,-2.5,30\r\n0.125,-0,9999999999\n34200.000000001,7,8");
  const { lines } = readAll(path, 4);
  assert.deepEqual(lines, [[1, -2.5, 30], [0.125, -0, 9999999999], [34200.000000001, 7, 8]]);
  assert.ok(Object.is(lines[1][1], -0));
});

Deno.test("a bad field or too many fields: an error naming the line and the field", () => {
  assert.match(errorOf(csvFile("1,2\n1,x\n"), 4), /line 2: field 2 is not a number$/);
  assert.match(errorOf(csvFile("1,2\n1,2\n1,,2\n"), 4), /line 3: field 2 is not a number$/);
  assert.match(errorOf(csvFile("1,2\n1,2\n\n"), 4), /line 3: field 1 is not a number$/);
  assert.match(errorOf(csvFile("1,2\n1,2\r3\n"), 4), /line 2: field 2 is not a number$/);
  assert.match(errorOf(csvFile("1,2,3\n1,2,3,4,5\n"), 4), /line 2: more than 3 fields$/);
  assert.match(errorOf(csvFile("x\n"), 4), /line 1: field 1 is not a number$/);
  // The differing byte is in the middle of a line that otherwise repeats the one before, past
  // the first 16 bytes (compared 16 at a time) and with more than 16 alike after it.
  const row = Array.from({ length: 12 }, (_, i) => 1000000 + i);
  const bad = [...row.slice(0, 6), "10000a6", ...row.slice(7)];
  assert.match(
    errorOf(csvFile(`${row.join(",")}\n${row.join(",")}\n${bad.join(",")}\n`), 13),
    /line 3: field 7 is not a number$/,
  );
  assert.match(
    errorOf(csvFile("10,20,30,40\n10,20,3a,40\n"), 5),
    /line 2: field 3 is not a number$/,
  );
});

/** A small deterministic generator (the test must read the same lines every run). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

Deno.test("repeating lines read as parsed afresh, across buffer refills, with what changed marked", () => {
  // Rows that each change the one before a little: a value, its length, a field more or fewer,
  // levels shifted, or nothing; 200,000 rows (several MB) so lines straddle the buffer's refills.
  const random = lcg(7);
  let row = Array.from({ length: 20 }, (_, i) => (i % 2 ? 100 * (1 + random(9)) : 1000000 + i));
  const rows: number[][] = [];
  for (let i = 0; i < 200_000; i++) {
    const next = [...row];
    const what = random(10), at = random(next.length);
    if (what < 4) next[at] = random(3) === 0 ? random(100000) : next[at] + 100;
    else if (what === 4) next.splice(at, 0, random(1000));
    else if (what === 5 && next.length > 2) next.splice(at, 1);
    else if (what === 6) next.unshift(next.pop()!, next.pop()!);
    else if (what === 7) next[at] = -9999999999;
    else if (what === 8) next[at] = next[at] + 0.25;
    row = next.length > 40 ? next.slice(0, 20) : next;
    rows.push(row);
  }
  const path = csvFile(rows.map((r) => r.join(",")).join("\n") + "\n");
  const repeating = readAll(path, 41);
  assert.deepEqual(repeating.lines, rows);
  assert.deepEqual(csvLines(path, 41), rows);
  for (let i = 1; i < rows.length; i++) {
    const [from, to] = repeating.changed[i], a = rows[i - 1], b = rows[i];
    for (let k = 0; k < b.length; k++) {
      if (k < from || k >= to) assert.equal(b[k], a[k], `row ${i + 1} field ${k + 1}`);
    }
  }
  // The changed range is narrow: most rows change one field or none.
  const narrow = repeating.changed.filter(([from, to]) => to - from <= 1).length;
  assert.ok(narrow > rows.length * 0.4, `${narrow} of ${rows.length}`);
});

Deno.test("numbers of more than 15 digits read as CsvReader reads them", () => {
  const path = csvFile("12345678901234567890.12345678901234567,1\n12345678901234567891.5,1\n");
  assert.deepEqual(readAll(path, 3).lines, csvLines(path, 3));
});

Deno.test("a line longer than the buffer's reserve is read whole", () => {
  const long = Array.from({ length: 30_000 }, (_, i) => i).join(",");
  const path = csvFile(`1,2\n${long}\n${long}\n3\n`);
  const { lines } = readAll(path, 30_001);
  assert.deepEqual(lines.map((l) => l.length), [2, 30_000, 30_000, 1]);
  assert.equal(lines[2][29_999], 29_999);
});

Deno.test("skip moves past lines unread, across refills; the next line is parsed afresh", () => {
  const rows = Array.from({ length: 100_000 }, (_, i) => `${i},${i % 7},1000000`);
  const path = csvFile(rows.join("\n") + "\n7,8");
  const reader = new RepeatingCsvReader(path, 4);
  try {
    assert.equal(reader.next(), 3);
    reader.skip(0);
    assert.equal(reader.next(), 3);
    assert.deepEqual([reader.line, reader.fields[0]], [2, 1]);
    reader.skip(60_000); // past several buffers
    assert.equal(reader.next(), 3);
    assert.deepEqual([reader.line, ...reader.fields.subarray(0, 3)], [
      60_003,
      60_002,
      60_002 % 7,
      1e6,
    ]);
    assert.deepEqual([reader.changedFrom, reader.changedTo], [0, 3]);
    reader.skip(39_997);
    assert.equal(reader.line, 100_000);
    assert.equal(reader.next(), 2);
    assert.deepEqual([...reader.fields.subarray(0, 2)], [7, 8]);
    reader.skip(5);
    assert.equal(reader.next(), null);
  } finally {
    reader.close();
  }
  // A last line without a line end is a line to skip.
  const last = new RepeatingCsvReader(csvFile("1\n2"), 2);
  try {
    last.skip(2);
    assert.equal(last.line, 2);
    assert.equal(last.next(), null);
  } finally {
    last.close();
  }
});
