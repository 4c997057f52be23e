import assert from "node:assert/strict";
import { checkOrderbook, startOrderbookCheck } from "./orderbook_check.ts";

const MAIN = new URL("../../main.ts", import.meta.url);

function file(lines: string[]): string {
  const path = Deno.makeTempFileSync({ suffix: "_orderbook_1.csv" });
  Deno.writeTextFileSync(path, lines.join("\n") + "\n");
  return path;
}

const GOOD = [
  "1000100,100,999900,200",
  "1000100,100,999900,250",
  "1000200,300,999900,250",
  "9999999999,0,-9999999999,0",
];

Deno.test("a whole orderbook file checked: every row read well, or the first bad one's error", () => {
  assert.deepEqual(checkOrderbook(file(GOOD), 100), { rows: 4, error: null });
  const cases: [string[], number, string][] = [
    [GOOD.map((r, i) => i === 2 ? r + ",1" : r), 2, "line 3: 5 fields, the first row has 4"],
    [["1,2,3", ...GOOD], 0, "line 1: 3 fields, not 4 per level"],
    [
      GOOD.map((r, i) => i === 1 ? r.replace("250", "2-5") : r),
      1,
      "line 2: field 4 is not a number",
    ],
    [
      GOOD.map((r, i) => i === 2 ? r.replace("1000200", "1000250") : r),
      2,
      "line 3: price 1000250 is not a multiple of the tick size 100",
    ],
  ];
  for (const [lines, rows, error] of cases) {
    assert.deepEqual(checkOrderbook(file(lines), 100), { rows, error });
  }
});

Deno.test("the check in a worker thread gives the verdict it gives on this thread", () => {
  for (
    const lines of [GOOD, GOOD.map((r, i) => i === 3 ? r.replace("0,-", "0,x") : r)]
  ) {
    const path = file(lines);
    const pending = startOrderbookCheck(path, 100, MAIN);
    try {
      assert.deepEqual(pending.verdict(), checkOrderbook(path, 100));
    } finally {
      pending.stop();
    }
  }
  const here = startOrderbookCheck(file(GOOD), 100);
  assert.deepEqual(here.verdict(), { rows: 4, error: null });
});

Deno.test("a worker that never begins the check: the check is made on this thread", () => {
  const path = file(GOOD.map((r, i) => i === 2 ? r + ",1" : r));
  // A worker that ignores what it is sent.
  const pending = startOrderbookCheck(path, 100, "data:application/javascript,");
  try {
    assert.deepEqual(pending.verdict(), {
      rows: 2,
      error: "line 3: 5 fields, the first row has 4",
    });
  } finally {
    pending.stop();
  }
});
