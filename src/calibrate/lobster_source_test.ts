import assert from "node:assert/strict";
import { DataError } from "../core/errors.ts";
import { EventType } from "../core/events.ts";
import { LevelView } from "./level_view.ts";
import { readLobster } from "./lobster_source.ts";
import type { ObservationSink } from "./observations.ts";
import { averageEventSizes } from "./real_calibrate.ts";

const { ADD_BID, ADD_ASK, CANCEL_BID, CANCEL_ASK, EXECUTE_BUY, EXECUTE_SELL } = EventType;

/**
 * A LOBSTER day written by hand, 20 messages and the 2-level book after each: every message
 * type, two adds inside the spread (4, 16), levels emptied (5, 7, 17, 20), a halt (8-11), an
 * add beyond the model's 2 levels (15). Prices are dollars x 10000, one tick is 100.
 */
const MESSAGES = [
  "34200.5,1,1,100,999800,1", // not observed: the book before it is not in the files
  "34201,1,2,50,999900,1",
  "34202,2,3,100,1000200,-1",
  "34203,1,4,60,1000000,1", // inside the spread: the bid improves to 100.00
  "34204,4,5,100,1000100,-1", // a buyer takes the whole best ask
  "34205,5,0,30,1000100,-1", // hidden execution: not an event
  "34206,3,6,60,1000000,1", // the best bid deleted
  "34207,7,0,0,-1,-1", // halt
  "34210,1,7,100,999800,1", // during the halt: not observed, but in the book
  "34212,7,0,0,0,-1", // quoting resumes
  "34215,7,0,0,1,-1", // trading resumes
  "34216,6,0,500,1000000,-1", // cross: not an event
  "34217,4,8,50,999900,1",
  "34218,2,9,100,1000300,-1",
  "34219,1,10,100,1000500,-1", // 3 ticks from the best ask: beyond 2 levels
  "34220,1,11,10,1000100,-1", // inside the spread: the ask improves
  "34221,3,12,10,1000100,-1",
  "34222,2,13,100,999800,1",
  "34223,1,14,100,999900,1",
  "34224,4,15,300,1000200,-1",
];
/** After each message: ask price, ask size, bid price, bid size, for levels 1 and 2. */
const BOOKS = [
  "1000100,100,999900,200,1000200,400,999800,300",
  "1000100,100,999900,250,1000200,400,999800,300",
  "1000100,100,999900,250,1000200,300,999800,300",
  "1000100,100,1000000,60,1000200,300,999900,250",
  "1000200,300,1000000,60,1000300,500,999900,250",
  "1000200,300,1000000,60,1000300,500,999900,250",
  "1000200,300,999900,250,1000300,500,999800,300",
  "1000200,300,999900,250,1000300,500,999800,300",
  "1000200,300,999900,250,1000300,500,999800,400",
  "1000200,300,999900,250,1000300,500,999800,400",
  "1000200,300,999900,250,1000300,500,999800,400",
  "1000200,300,999900,250,1000300,500,999800,400",
  "1000200,300,999900,200,1000300,500,999800,400",
  "1000200,300,999900,200,1000300,400,999800,400",
  "1000200,300,999900,200,1000300,400,999800,400",
  "1000100,10,999900,200,1000200,300,999800,400",
  "1000200,300,999900,200,1000300,400,999800,400",
  "1000200,300,999900,200,1000300,400,999800,300",
  "1000200,300,999900,300,1000300,400,999800,300",
  "1000300,400,999900,300,1000400,200,999800,300",
];

/** Writes the pair into a temporary folder under LOBSTER's names (09:30:00 to 09:30:30). */
function writePair(messages = MESSAGES, books: string[] | null = BOOKS) {
  const dir = Deno.makeTempDirSync({ prefix: "qrsdp_lobster_" });
  const stem = `${dir}/TEST_2012-06-21_34200000_34230000`;
  Deno.writeTextFileSync(`${stem}_message_2.csv`, messages.join("\n") + "\n");
  if (books) Deno.writeTextFileSync(`${stem}_orderbook_2.csv`, books.join("\n") + "\n");
  return {
    dir,
    pair: {
      message: `${stem}_message_2.csv`,
      orderbook: books ? `${stem}_orderbook_2.csv` : null,
    },
  };
}

/** Records what the sinks see: [what, t, side, level, type, bid depths, ask depths]. */
function recorder(view: { bidDepth: Int32Array; askDepth: Int32Array }) {
  const seen: unknown[][] = [];
  const sink: ObservationSink = {
    begin: (t) => seen.push(["begin", t, [...view.bidDepth], [...view.askDepth]]),
    event: (t, side, level, type) =>
      seen.push([t, side, level, type, [...view.bidDepth], [...view.askDepth]]),
    after: (_t, moved) => seen.push([moved ? "moved" : "same"]),
    end: (t) => seen.push(["end", t]),
  };
  return { seen, sink };
}

/** The program's entry module, which a worker thread starts from. */
const MAIN = new URL("../../main.ts", import.meta.url);

function observe(
  pair: { message: string; orderbook: string | null },
  levels = 2,
  workerUrl?: URL,
) {
  const sinks: ObservationSink[] = [];
  const view = new LevelView(levels, new Float64Array(levels).fill(1), sinks);
  const { seen, sink } = recorder(view);
  sinks.push(sink);
  const pass = readLobster(pair, 100, view, workerUrl);
  return { seen, pass };
}

Deno.test("LOBSTER pair: the observations, worked out by hand (queue sizes in shares, 2 levels)", () => {
  const { dir, pair } = writePair();
  try {
    const { seen, pass } = observe(pair);
    assert.deepEqual(seen, [
      ["begin", 34200.5, [200, 300], [100, 400]],
      [34201, 0, 0, ADD_BID, [200, 300], [100, 400]],
      ["same"],
      [34202, 1, 1, CANCEL_ASK, [250, 300], [100, 400]],
      ["same"],
      [34203, 0, 0, ADD_BID, [250, 300], [100, 300]],
      ["moved"],
      [34204, 1, 0, EXECUTE_BUY, [60, 250], [100, 300]],
      ["moved"],
      [34206, 0, 0, CANCEL_BID, [60, 250], [300, 500]],
      ["moved"],
      ["end", 34207],
      ["begin", 34215, [250, 400], [300, 500]],
      [34217, 0, 0, EXECUTE_SELL, [250, 400], [300, 500]],
      ["same"],
      [34218, 1, 1, CANCEL_ASK, [200, 400], [300, 500]],
      ["same"],
      [34219, 1, 3, ADD_ASK, [200, 400], [300, 400]],
      ["same"],
      [34220, 1, 0, ADD_ASK, [200, 400], [300, 400]],
      ["moved"],
      [34221, 1, 0, CANCEL_ASK, [200, 400], [10, 300]],
      ["moved"],
      [34222, 0, 1, CANCEL_BID, [200, 400], [300, 400]],
      ["same"],
      [34223, 0, 0, ADD_BID, [200, 300], [300, 400]],
      ["same"],
      [34224, 1, 0, EXECUTE_BUY, [300, 300], [300, 400]],
      ["moved"],
      ["end", 34230],
    ]);
    assert.equal(pass.messages, 20);
    assert.equal(pass.events, 13);
    assert.equal(pass.trustedLevels, 2);
    assert.equal(pass.firstMid, 10000);
    assert.deepEqual([pass.start, pass.end], [34200, 34230]);
    // Level 0: 50, 60, 100, 60, 50, 10, 10, 100, 300 shares; level 1: 100, 100, 100.
    assert.deepEqual([...averageEventSizes(pass)], [740 / 9, 100]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("LOBSTER pair, the orderbook shallower than the levels: its rows are the book, and the same observations", () => {
  const { dir, pair } = writePair();
  try {
    // 3 levels from a 2-level orderbook: the rows themselves are the book, a third level
    // beyond them is never known. Levels 0 and 1 are seen as with 2 levels, where the book is
    // rebuilt from the messages and the rows are read where it cannot be trusted.
    const deep = observe(pair, 3), shallow = observe(pair, 2);
    assert.equal(deep.pass.trustedLevels, 2);
    assert.equal(shallow.pass.trustedLevels, 2);
    const firstTwo = (o: unknown[]) => o.map((x) => Array.isArray(x) ? x.slice(0, 2) : x);
    assert.deepEqual(deep.seen.map(firstTwo), shallow.seen.map(firstTwo));
    assert.deepEqual(deep.seen[0], ["begin", 34200.5, [200, 300, 0], [100, 400, 0]]);
    assert.deepEqual(deep.pass.sizeSum.slice(0, 2), shallow.pass.sizeSum);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("LOBSTER messages alone: the book is rebuilt, and removals it never saw distrust the levels", () => {
  const { dir, pair } = writePair(MESSAGES, null);
  try {
    const { seen, pass } = observe(pair);
    assert.deepEqual(seen[0], ["begin", 34200, [0, 0], [0, 0]]);
    // The first add on an empty book is a level-0 add.
    assert.deepEqual(seen[1], [34200.5, 0, 0, ADD_BID, [0, 0], [0, 0]]);
    assert.equal(pass.trustedLevels, 0, "the execution of message 5 takes shares never added");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

for (
  const [what, messages, books, expected] of [
    [
      "a wrong column count",
      MESSAGES.map((m, i) => i === 6 ? m + ",7" : m),
      BOOKS,
      /_message_2\.csv: line 7: 7 fields, a LOBSTER message line has 6$/,
    ],
    [
      "a time before the previous line's",
      MESSAGES.map((m, i) => i === 12 ? m.replace("34217", "34213") : m),
      BOOKS,
      /_message_2\.csv: line 13: time 34213 is before the previous line's 34216$/,
    ],
    [
      "an orderbook row of another width",
      MESSAGES,
      BOOKS.map((b, i) => i === 3 ? b + ",1,2,3,4" : b),
      /_orderbook_2\.csv: line 4: 12 fields, the first row has 8$/,
    ],
    [
      "an orderbook file shorter than the messages",
      MESSAGES,
      BOOKS.slice(0, 10),
      /_orderbook_2\.csv: line 10: ends before the message file's line 11$/,
    ],
    // Rows the rebuilt book does not read are checked all the same, in the order they would be
    // read in step with the messages.
    [
      "an orderbook row that is not numbers, the book rebuilt",
      MESSAGES,
      BOOKS.map((b, i) => i === 13 ? b.replace(",400,", ",4x0,") : b),
      /_orderbook_2\.csv: line 14: field 6 is not a number$/,
    ],
    [
      "an orderbook price off the tick, the book rebuilt",
      MESSAGES,
      BOOKS.map((b, i) => i === 12 ? b.replace("999900,200", "999950,200") : b),
      /_orderbook_2\.csv: line 13: price 999950 is not a multiple of the tick size 100$/,
    ],
    [
      "a message error after an orderbook error",
      MESSAGES.map((m, i) => i === 16 ? m + ",1" : m),
      BOOKS.map((b, i) => i === 13 ? b + ",1,2,3,4" : b),
      /_orderbook_2\.csv: line 14: 12 fields, the first row has 8$/,
    ],
    [
      "a message error before an orderbook error",
      MESSAGES.map((m, i) => i === 12 ? m + ",1" : m),
      BOOKS.map((b, i) => i === 13 ? b + ",1,2,3,4" : b),
      /_message_2\.csv: line 13: 7 fields, a LOBSTER message line has 6$/,
    ],
    [
      "a message's fields bad on the line of a bad orderbook row",
      MESSAGES.map((m, i) => i === 13 ? m + ",1" : m),
      BOOKS.map((b, i) => i === 13 ? b + ",1,2,3,4" : b),
      /_message_2\.csv: line 14: 7 fields, a LOBSTER message line has 6$/,
    ],
    [
      "a message's price off the tick on the line of a bad orderbook row",
      MESSAGES.map((m, i) => i === 13 ? m.replace("1000300", "1000350") : m),
      BOOKS.map((b, i) => i === 13 ? b + ",1,2,3,4" : b),
      /_orderbook_2\.csv: line 14: 12 fields, the first row has 8$/,
    ],
    [
      "a message error after the orderbook file's end",
      MESSAGES.map((m, i) => i === 16 ? m + ",1" : m),
      BOOKS.slice(0, 15),
      /_orderbook_2\.csv: line 15: ends before the message file's line 16$/,
    ],
  ] as const
) {
  for (const workerUrl of [undefined, MAIN]) {
    Deno.test(`LOBSTER input with ${what}${workerUrl ? ", checked in a worker" : ""}: one error naming the file and line`, () => {
      const { dir, pair } = writePair([...messages], [...books]);
      try {
        assert.throws(
          () => observe(pair, 2, workerUrl),
          (e) => e instanceof DataError && expected.test(e.message),
        );
      } finally {
        Deno.removeSync(dir, { recursive: true });
      }
    });
  }
}

Deno.test("LOBSTER pair: rows past the last message are not read", () => {
  const { dir, pair } = writePair(MESSAGES, [...BOOKS, "x"]);
  try {
    assert.equal(observe(pair, 2, MAIN).pass.messages, 20);
    assert.equal(observe(pair, 2).pass.messages, 20);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
