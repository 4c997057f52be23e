import assert from "node:assert/strict";
import { DataError } from "../core/errors.ts";
import { EventType } from "../core/events.ts";
import { readItch } from "./itch_source.ts";
import { LevelView } from "./level_view.ts";
import type { ObservationSink } from "./observations.ts";
import { averageEventSizes } from "./real_calibrate.ts";

const { ADD_BID, ADD_ASK, CANCEL_BID, EXECUTE_BUY, EXECUTE_SELL } = EventType;

/**
 * ITCH 5.0 messages written from NASDAQ's published layouts (big-endian; each behind its u16
 * length), not by our encoder: type, stock locate, tracking number, 48-bit timestamp, then
 * the message's own fields.
 */
class Feed {
  private bytes: number[] = [];

  private message(type: string, locate: number, seconds: number, fields: number[]) {
    const body = [
      type.charCodeAt(0),
      ...be(locate, 2),
      ...be(0, 2),
      ...be(seconds * 1e9, 6),
      ...fields,
    ];
    this.bytes.push(...be(body.length, 2), ...body);
    return this;
  }
  system(code: string, t: number) {
    return this.message("S", 0, t, [code.charCodeAt(0)]);
  }
  directory(locate: number, stock: string, t: number) {
    return this.message("R", locate, t, [
      ...text(stock, 8),
      ...text("QN", 2),
      ...be(100, 4),
      ...text("NCZ PNN1N", 9),
      ...be(0, 4),
      ...text("N", 1),
    ]);
  }
  add(
    locate: number,
    stock: string,
    t: number,
    ref: number,
    side: string,
    shares: number,
    price: number,
    mpid?: string,
  ) {
    const fields = [
      ...be(ref, 8),
      side.charCodeAt(0),
      ...be(shares, 4),
      ...text(stock, 8),
      ...be(price, 4),
    ];
    return mpid
      ? this.message("F", locate, t, [...fields, ...text(mpid, 4)])
      : this.message("A", locate, t, fields);
  }
  executed(locate: number, t: number, ref: number, shares: number, match: number) {
    return this.message("E", locate, t, [...be(ref, 8), ...be(shares, 4), ...be(match, 8)]);
  }
  executedAt(locate: number, t: number, ref: number, shares: number, match: number, price: number) {
    return this.message("C", locate, t, [
      ...be(ref, 8),
      ...be(shares, 4),
      ...be(match, 8),
      "Y".charCodeAt(0),
      ...be(price, 4),
    ]);
  }
  cancel(locate: number, t: number, ref: number, shares: number) {
    return this.message("X", locate, t, [...be(ref, 8), ...be(shares, 4)]);
  }
  delete(locate: number, t: number, ref: number) {
    return this.message("D", locate, t, be(ref, 8));
  }
  replace(locate: number, t: number, ref: number, newRef: number, shares: number, price: number) {
    return this.message("U", locate, t, [
      ...be(ref, 8),
      ...be(newRef, 8),
      ...be(shares, 4),
      ...be(price, 4),
    ]);
  }
  trade(locate: number, stock: string, t: number, shares: number, price: number, match: number) {
    return this.message("P", locate, t, [
      ...be(0, 8),
      "B".charCodeAt(0),
      ...be(shares, 4),
      ...text(stock, 8),
      ...be(price, 4),
      ...be(match, 8),
    ]);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function be(value: number, size: number): number[] {
  const out: number[] = [];
  for (let i = size - 1; i >= 0; i--) out.push(Math.floor(value / 2 ** (8 * i)) % 256);
  return out;
}

function text(s: string, size: number): number[] {
  return Array.from(s.padEnd(size, " "), (c) => c.charCodeAt(0));
}

/**
 * AAPL (locate 1) and MSFT (locate 2, never looked at): an opening book before the market
 * opens, then in market hours an add one level out, an execution, a partial cancel, an add
 * inside the spread and its execution at a price, a replace, a trade of a hidden order; an add
 * after the close. Prices: $ with 4 decimals, tick $0.01 = 100.
 */
function day(): Uint8Array {
  return new Feed()
    .system("O", 34000)
    .directory(1, "AAPL", 34000)
    .directory(2, "MSFT", 34000)
    .system("S", 34000)
    .add(1, "AAPL", 34100, 1, "B", 100, 999900)
    .add(1, "AAPL", 34100, 2, "S", 200, 1000100)
    .add(1, "AAPL", 34100, 3, "B", 300, 999800, "MPID")
    .add(2, "MSFT", 34100, 100, "B", 50, 500000)
    .system("Q", 34200)
    .add(1, "AAPL", 34201, 4, "S", 100, 1000200)
    .executed(1, 34202, 2, 50, 1)
    .cancel(1, 34203, 3, 100)
    .delete(2, 34204, 100)
    .add(1, "AAPL", 34205, 5, "B", 40, 1000000)
    .executedAt(1, 34206, 5, 40, 2, 1000000)
    .replace(1, 34207, 1, 6, 150, 999800)
    .trade(1, "AAPL", 34208, 500, 1000000, 3)
    .system("M", 34210)
    .add(1, "AAPL", 34300, 7, "B", 10, 999900)
    .system("C", 34400)
    .done();
}

async function observe(bytes: Uint8Array, symbol = "AAPL") {
  const path = Deno.makeTempFileSync({ prefix: "qrsdp_itch_", suffix: ".itch" });
  try {
    Deno.writeFileSync(path, bytes);
    const seen: unknown[][] = [];
    const sinks: ObservationSink[] = [];
    const view = new LevelView(2, Float64Array.of(1, 1), sinks);
    sinks.push({
      begin: (t) => seen.push(["begin", t, [...view.bidDepth], [...view.askDepth]]),
      event: (t, side, level, type) =>
        seen.push([t, side, level, type, [...view.bidDepth], [...view.askDepth]]),
      after: (_t, moved) => seen.push([moved ? "moved" : "same"]),
      end: (t) => seen.push(["end", t]),
    });
    const pass = (await readItch(path, 100, new Map([[symbol, view]]))).get(symbol)!;
    return { seen, pass, path };
  } finally {
    Deno.removeSync(path);
  }
}

Deno.test("ITCH file written by hand: the observations of one security, worked out by hand", async () => {
  const { seen, pass } = await observe(day());
  assert.deepEqual(seen, [
    ["begin", 34200, [100, 300], [200, 0]],
    [34201, 1, 1, ADD_ASK, [100, 300], [200, 0]],
    ["same"],
    [34202, 1, 0, EXECUTE_BUY, [100, 300], [200, 100]],
    ["same"],
    [34203, 0, 1, CANCEL_BID, [100, 300], [150, 100]],
    ["same"],
    [34205, 0, 0, ADD_BID, [100, 200], [150, 100]],
    ["moved"],
    [34206, 0, 0, EXECUTE_SELL, [40, 100], [150, 100]],
    ["moved"],
    [34207, 0, 0, CANCEL_BID, [100, 200], [150, 100]],
    ["moved"],
    [34207, 0, 0, ADD_BID, [200, 0], [150, 100]],
    ["same"],
    ["end", 34210],
  ]);
  assert.equal(pass.events, 7);
  assert.deepEqual([pass.start, pass.end, pass.firstMid], [34200, 34210, 10000]);
  // Level 0: 50, 40, 40, 100 (the replaced order), 150; level 1: 100, 100.
  assert.deepEqual([...averageEventSizes(pass)], [76, 100]);
});

Deno.test("ITCH file cut inside a message: an error naming the file and the message's byte offset", async () => {
  const bytes = day();
  const cut = bytes.subarray(0, bytes.length - 5); // inside the last message, 'S' 'C' (14 bytes)
  await assert.rejects(
    () => observe(cut),
    (e) =>
      e instanceof DataError && e.offset === bytes.length - 14 &&
      /qrsdp_itch_.*\.itch: byte \d+: the file ends inside a message of 12 bytes \(7 there\)$/.test(
        e.message,
      ),
  );
});

Deno.test("ITCH file without the symbol asked for: an error naming the file and the symbol", async () => {
  await assert.rejects(
    () => observe(day(), "GOOG"),
    (e) =>
      e instanceof DataError &&
      /symbol 'GOOG' is not in the file's stock directory$/.test(e.message),
  );
});
