import { DataError } from "../core/errors.ts";
import { EventType } from "../core/events.ts";
import { levelOf } from "./level_view.ts";
import type { LevelView } from "./level_view.ts";
import { PriceLadder } from "./price_ladder.ts";
import type { PassSummary } from "./real_calibrate.ts";

const TWO_POW_32 = 4294967296;
const CH = (c: string) => c.charCodeAt(0);
const ADD = CH("A"), ADD_MPID = CH("F"), EXECUTED = CH("E"), EXECUTED_PRICE = CH("C");
const CANCEL = CH("X"), DELETE = CH("D"), REPLACE = CH("U"), SYSTEM = CH("S"), DIRECTORY = CH("R");
const BUY = CH("B");
const MARKET_OPEN = CH("Q"), MARKET_CLOSE = CH("M");
/** The length of each message this reader looks into (ITCH 5.0's layouts), 0 for the others. */
const LENGTHS = new Uint8Array(256);
for (
  const [type, length] of [
    [ADD, 36],
    [ADD_MPID, 40],
    [EXECUTED, 31],
    [EXECUTED_PRICE, 36],
    [CANCEL, 23],
    [DELETE, 19],
    [REPLACE, 35],
    [SYSTEM, 12],
    [DIRECTORY, 39],
  ]
) LENGTHS[type] = length;

const BUFFER = 8 << 20;

/**
 * Walks an ITCH 5.0 file's messages (each behind its u16 big-endian length) in constant memory,
 * gunzipped on the fly when its name ends in `.gz`, calling `onMessage(bytes, view, at, length,
 * offset)` with the message at `bytes[at..at+length)` and its byte offset in the (uncompressed)
 * file. A file cut inside a message is an error.
 */
export async function walkItch(
  path: string,
  onMessage: (
    bytes: Uint8Array,
    view: DataView,
    at: number,
    length: number,
    offset: number,
  ) => void,
): Promise<number> {
  const buffer = new Uint8Array(BUFFER);
  const view = new DataView(buffer.buffer);
  let filled = 0, base = 0, messages = 0;
  /** Hands out the whole messages in the buffer and keeps the rest at its front. */
  let stopped: unknown = undefined;
  const consume = () => {
    try {
      handOut();
    } catch (e) {
      throw stopped = e;
    }
  };
  const handOut = () => {
    let i = 0;
    while (i + 2 <= filled) {
      const length = (buffer[i] << 8) | buffer[i + 1];
      if (i + 2 + length > filled) break;
      if (length === 0) {
        throw new DataError("a message of length 0", { source: path, offset: base + i });
      }
      onMessage(buffer, view, i + 2, length, base + i);
      messages++;
      i += 2 + length;
    }
    buffer.copyWithin(0, i, filled);
    filled -= i;
    base += i;
  };
  const cannotRead = (e: unknown) =>
    e === stopped || e instanceof DataError
      ? e
      : new DataError(`cannot read (${(e as Error).message})`, { source: path });
  if (path.endsWith(".gz")) {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path);
    } catch (e) {
      throw cannotRead(e);
    }
    const stream = file.readable.pipeThrough(new DecompressionStream("gzip") as never);
    try {
      for await (const chunk of stream as AsyncIterable<Uint8Array>) {
        for (let at = 0; at < chunk.length;) {
          const n = Math.min(chunk.length - at, BUFFER - filled);
          buffer.set(chunk.subarray(at, at + n), filled);
          filled += n;
          at += n;
          if (filled === BUFFER) consume();
        }
      }
    } catch (e) {
      throw cannotRead(e);
    }
  } else {
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path);
    } catch (e) {
      throw cannotRead(e);
    }
    try {
      for (;;) {
        const n = file.readSync(buffer.subarray(filled));
        if (n === null) break;
        filled += n;
        if (filled === BUFFER) consume();
      }
    } catch (e) {
      throw cannotRead(e);
    } finally {
      file.close();
    }
  }
  consume();
  if (filled > 0) {
    const length = filled >= 2 ? (buffer[0] << 8) | buffer[1] : -1;
    throw new DataError(
      length < 0
        ? "the file ends inside a message's length"
        : `the file ends inside a message of ${length} bytes (${filled - 2} there)`,
      { source: path, offset: base },
    );
  }
  return messages;
}

/** One security being calibrated: its book of price levels and its model view. */
interface Target {
  symbol: string;
  view: LevelView;
  ladder: PriceLadder;
  pass: PassSummary;
}

/**
 * Reads an ITCH 5.0 file for the securities `views` names and drives each one's view: the book
 * rebuilt per stock locate from A/F (add), E/C (executed), X (cancel), D (delete) and U (replace:
 * a cancel, then an add), the sampling period the market hours (system events Q to M). Orders
 * of other securities are never looked at. Returns each security's pass.
 */
export async function readItch(
  path: string,
  tick: number,
  views: Map<string, LevelView>,
): Promise<Map<string, PassSummary>> {
  const bySymbol = new Map<string, Target>();
  for (const [symbol, view] of views) {
    bySymbol.set(symbol, {
      symbol,
      view,
      ladder: new PriceLadder(),
      pass: {
        messages: 0,
        events: 0,
        sizeSum: new Float64Array(view.levels),
        sizeCount: new Float64Array(view.levels),
        trustedLevels: view.levels,
        firstMid: NaN,
        start: NaN,
        end: NaN,
      },
    });
  }
  const byLocate: (Target | undefined)[] = [];
  /** Live orders of the targets: reference -> slot in the arrays below. */
  const orders = new Map<number, number>();
  let side = new Uint8Array(1024), price = new Float64Array(1024), shares = new Float64Array(1024);
  let owner = new Uint16Array(1024);
  const free: number[] = [];
  let used = 0;
  let open = false, lastT = 0;
  let failure: DataError | null = null;
  const fail = (detail: string, offset: number): never => {
    throw failure = new DataError(detail, { source: path, offset });
  };
  const ticksOf = (raw: number, offset: number) => {
    const t = raw / tick;
    if (!Number.isInteger(t)) {
      fail(`price ${raw} is not a multiple of the tick size ${tick}`, offset);
    }
    return t;
  };
  const observe = (
    target: Target,
    t: number,
    s: number,
    p: number,
    delta: number,
    type: number,
    level: number,
  ) => {
    const pass = target.pass;
    pass.messages++;
    if (!open) {
      target.ladder.change(s, p, delta);
      target.view.touch();
      return;
    }
    const size = Math.abs(delta);
    pass.events++;
    if (level >= 0 && level < target.view.levels) {
      pass.sizeSum[level] += size;
      pass.sizeCount[level]++;
    }
    if (Number.isNaN(pass.firstMid) && target.ladder.bestBid >= 0 && target.ladder.bestAsk >= 0) {
      pass.firstMid = (target.ladder.bestBid + target.ladder.bestAsk) / 2;
    }
    target.view.event(t, s, level, type, target.ladder);
    target.ladder.change(s, p, delta);
    target.view.after(t, target.ladder, s, p);
  };
  const add = (
    target: Target,
    locate: number,
    ref: number,
    s: number,
    p: number,
    n: number,
    t: number,
  ) => {
    let slot = free.pop();
    if (slot === undefined) {
      slot = used++;
      if (slot >= side.length) {
        const grow = <T extends Uint8Array | Uint16Array | Float64Array>(a: T): T => {
          const b = new (a.constructor as new (n: number) => T)(a.length * 2);
          b.set(a);
          return b;
        };
        side = grow(side);
        price = grow(price);
        shares = grow(shares);
        owner = grow(owner);
      }
    }
    orders.set(ref, slot);
    side[slot] = s;
    price[slot] = p;
    shares[slot] = n;
    owner[slot] = locate;
    const type = s === 0 ? EventType.ADD_BID : EventType.ADD_ASK;
    observe(target, t, s, p, n, type, levelOf(target.ladder, s, p, true));
  };
  /** Removes `n` shares of an order (all of them when n is null); `execution` or a cancel. */
  const remove = (target: Target, ref: number, n: number | null, execution: boolean, t: number) => {
    const slot = orders.get(ref);
    if (slot === undefined) return; // an order from before the file: the book never had it
    const s = side[slot], p = price[slot];
    const taken = Math.min(n ?? shares[slot], shares[slot]);
    shares[slot] -= taken;
    if (shares[slot] <= 0) {
      orders.delete(ref);
      free.push(slot);
    }
    const type = execution
      ? (s === 0 ? EventType.EXECUTE_SELL : EventType.EXECUTE_BUY)
      : (s === 0 ? EventType.CANCEL_BID : EventType.CANCEL_ASK);
    observe(target, t, s, p, -taken, type, execution ? 0 : levelOf(target.ladder, s, p, false));
  };
  const decoder = new TextDecoder();
  let messages = 0;
  try {
    messages = await walkItch(path, (bytes, view, at, length, offset) => {
      const type = bytes[at];
      const need = LENGTHS[type];
      if (need === 0) return; // a message calibration does not use (P, Q, H, ...)
      const locate = (bytes[at + 1] << 8) | bytes[at + 2];
      const target = byLocate[locate];
      if (target === undefined && type !== SYSTEM && type !== DIRECTORY) return;
      if (length < need) {
        fail(`a '${String.fromCharCode(type)}' message of ${length} bytes, not ${need}`, offset);
      }
      const t = (view.getUint16(at + 5) * TWO_POW_32 + view.getUint32(at + 7)) * 1e-9;
      lastT = t;
      if (type === SYSTEM) {
        const code = bytes[at + 11];
        if (code === MARKET_OPEN && !open) {
          open = true;
          for (const target of bySymbol.values()) {
            if (Number.isNaN(target.pass.start)) target.pass.start = t;
            target.view.begin(t, target.ladder);
          }
        } else if (code === MARKET_CLOSE && open) {
          open = false;
          for (const target of bySymbol.values()) {
            target.pass.end = t;
            target.view.end(t);
          }
        }
        return;
      }
      if (type === DIRECTORY) {
        const symbol = decoder.decode(bytes.subarray(at + 11, at + 19)).trimEnd();
        const found = bySymbol.get(symbol);
        if (found) byLocate[locate] = found;
        return;
      }
      if (target === undefined) return;
      const ref = view.getUint32(at + 11) * TWO_POW_32 + view.getUint32(at + 15);
      switch (type) {
        case ADD:
        case ADD_MPID: {
          const s = bytes[at + 19] === BUY ? 0 : 1;
          add(
            target,
            locate,
            ref,
            s,
            ticksOf(view.getUint32(at + 32), offset),
            view.getUint32(at + 20),
            t,
          );
          return;
        }
        case EXECUTED:
        case EXECUTED_PRICE:
          return remove(target, ref, view.getUint32(at + 19), true, t);
        case CANCEL:
          return remove(target, ref, view.getUint32(at + 19), false, t);
        case DELETE:
          return remove(target, ref, null, false, t);
        case REPLACE: {
          const slot = orders.get(ref);
          if (slot === undefined) return;
          const s = side[slot];
          remove(target, ref, null, false, t);
          const newRef = view.getUint32(at + 19) * TWO_POW_32 + view.getUint32(at + 23);
          add(
            target,
            locate,
            newRef,
            s,
            ticksOf(view.getUint32(at + 31), offset),
            view.getUint32(at + 27),
            t,
          );
          return;
        }
      }
    });
  } catch (e) {
    throw failure ?? e;
  }
  for (const target of bySymbol.values()) {
    if (!byLocate.includes(target)) {
      throw new DataError(`symbol '${target.symbol}' is not in the file's stock directory`, {
        source: path,
      });
    }
    if (open) {
      // No end of market hours: the period ends with the file.
      target.pass.end = lastT;
      target.view.end(lastT);
    }
  }
  if (messages === 0) throw new DataError("no messages", { source: path });
  const out = new Map<string, PassSummary>();
  for (const [symbol, target] of bySymbol) {
    if (Number.isNaN(target.pass.start)) {
      throw new DataError("no market hours (no system event Q)", { source: path });
    }
    out.set(symbol, target.pass);
  }
  return out;
}

/** The price tick: the greatest common divisor of the first add prices of the file. */
export async function inferItchTick(path: string): Promise<number> {
  let g = 0, seen = 0;
  const gcd = (a: number, b: number) => {
    while (b) [a, b] = [b, a % b];
    return a;
  };
  try {
    await walkItch(path, (bytes, view, at, length) => {
      if ((bytes[at] === ADD || bytes[at] === ADD_MPID) && length >= 36) {
        const p = view.getUint32(at + 32);
        if (p > 0) g = gcd(g, p);
        if (++seen >= 10_000) throw STOP;
      }
    });
  } catch (e) {
    if (e !== STOP) throw e;
  }
  if (g === 0) {
    throw new DataError("no add order to infer the tick size from (give --tick)", { source: path });
  }
  return g;
}

const STOP = new Error("enough prices");
