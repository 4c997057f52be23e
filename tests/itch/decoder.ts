/**
 * An ITCH 5.0 decoder and book builder written from ../shared/spec/itch.md alone, to check the
 * feed: it imports nothing from src/itch.
 */

export type Message =
  | { type: "S"; locate: number; ts: number; code: string }
  | {
    type: "R";
    locate: number;
    ts: number;
    stock: string;
    lot: number;
    fields: string;
  }
  | {
    type: "A";
    locate: number;
    ts: number;
    ref: number;
    side: string;
    shares: number;
    stock: string;
    price: number;
  }
  | { type: "E"; locate: number; ts: number; ref: number; shares: number; match: number }
  | { type: "D"; locate: number; ts: number; ref: number };

const SIZES: Record<string, number> = { S: 12, R: 39, A: 36, E: 31, D: 19 };
const ascii = (b: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...b.subarray(from, to));

function u48(v: DataView, o: number): number {
  return v.getUint16(o) * 2 ** 32 + v.getUint32(o + 2);
}

function u64(v: DataView, o: number): number {
  const hi = v.getUint32(o);
  if (hi >= 2 ** 21) throw new Error(`u64 at ${o} beyond 2^53`);
  return hi * 2 ** 32 + v.getUint32(o + 4);
}

/** One message from its bytes (without the length prefix). */
export function decodeMessage(b: Uint8Array): Message {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const type = String.fromCharCode(b[0]);
  if (SIZES[type] === undefined) throw new Error(`unknown message type ${type}`);
  if (b.length !== SIZES[type]) throw new Error(`${type} of ${b.length} bytes`);
  if (v.getUint16(3) !== 0) throw new Error("tracking number is not 0");
  const locate = v.getUint16(1), ts = u48(v, 5);
  switch (type) {
    case "S":
      return { type, locate, ts, code: String.fromCharCode(b[11]) };
    case "R":
      return {
        type,
        locate,
        ts,
        stock: ascii(b, 11, 19),
        lot: v.getUint32(21),
        fields: ascii(b, 19, 21) + "|" + ascii(b, 25, 34) + "|" + v.getUint32(34) + "|" +
          ascii(b, 38, 39),
      };
    case "A":
      return {
        type,
        locate,
        ts,
        ref: u64(v, 11),
        side: String.fromCharCode(b[19]),
        shares: v.getUint32(20),
        stock: ascii(b, 24, 32),
        price: v.getUint32(32),
      };
    case "E":
      return { type, locate, ts, ref: u64(v, 11), shares: v.getUint32(19), match: u64(v, 23) };
    default:
      return { type: "D", locate, ts, ref: u64(v, 11) };
  }
}

/** Every message of an ITCH 5.0 file's bytes (u16 big-endian length before each). */
export function decodeFile(bytes: Uint8Array): Message[] {
  const out: Message[] = [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  while (o < bytes.length) {
    if (o + 2 > bytes.length) throw new Error(`torn length at byte ${o}`);
    const n = v.getUint16(o);
    if (o + 2 + n > bytes.length) throw new Error(`torn message at byte ${o}`);
    out.push(decodeMessage(bytes.subarray(o + 2, o + 2 + n)));
    o += 2 + n;
  }
  return out;
}

/**
 * A set of order references as a bitmap in pages of 2^16 references, made as references come:
 * a day's references run 1, 2, 3, ..., tens of millions of them for a full market (a Set holds at
 * most 2^24).
 */
export class RefSet {
  private readonly pages = new Map<number, Uint32Array>();
  size = 0;

  has(ref: number): boolean {
    const page = this.pages.get(Math.floor(ref / 65536));
    const bit = ref % 65536;
    return page !== undefined && (page[bit >>> 5] & (1 << (bit & 31))) !== 0;
  }

  add(ref: number): void {
    const key = Math.floor(ref / 65536);
    let page = this.pages.get(key);
    if (!page) this.pages.set(key, page = new Uint32Array(2048));
    const bit = ref % 65536, word = bit >>> 5, mask = 1 << (bit & 31);
    if ((page[word] & mask) === 0) this.size++;
    page[word] |= mask;
  }

  clear(): void {
    this.pages.clear();
    this.size = 0;
  }
}

interface Order {
  locate: number;
  buy: boolean;
  price: number;
  shares: number;
}

/** The book a feed handler builds: live orders by reference, shares per price per side. */
export class BookBuilder {
  readonly orders = new Map<number, Order>();
  /** Per locate: bid and ask shares by price. */
  readonly levels = new Map<number, { bid: Map<number, number>; ask: Map<number, number> }>();
  readonly seenRefs = new RefSet();
  unknownRefs = 0;
  duplicateRefs = 0;
  negative = 0;
  /** Price of each execution, per locate, in feed order. */
  readonly trades = new Map<number, number[]>();
  lastMatch = 0;
  badMatches = 0;

  private sides(locate: number) {
    let s = this.levels.get(locate);
    if (!s) this.levels.set(locate, s = { bid: new Map(), ask: new Map() });
    return s;
  }

  private move(o: Order, shares: number): void {
    const side = this.sides(o.locate)[o.buy ? "bid" : "ask"];
    const left = (side.get(o.price) ?? 0) + shares;
    if (left < 0) this.negative++;
    if (left <= 0) side.delete(o.price);
    else side.set(o.price, left);
  }

  apply(m: Message): void {
    if (m.type === "A") {
      if (this.seenRefs.has(m.ref)) {
        this.duplicateRefs++;
        return;
      }
      this.seenRefs.add(m.ref);
      const o = { locate: m.locate, buy: m.side === "B", price: m.price, shares: m.shares };
      this.orders.set(m.ref, o);
      this.move(o, o.shares);
    } else if (m.type === "E" || m.type === "D") {
      const o = this.orders.get(m.ref);
      if (!o || o.locate !== m.locate) {
        this.unknownRefs++;
        return;
      }
      const gone = m.type === "E" ? m.shares : o.shares;
      if (gone > o.shares) this.negative++;
      this.move(o, -gone);
      o.shares -= gone;
      if (o.shares <= 0) this.orders.delete(m.ref);
      if (m.type === "E") {
        if (m.match !== this.lastMatch + 1) this.badMatches++;
        this.lastMatch = m.match;
        const t = this.trades.get(m.locate) ?? [];
        this.trades.set(m.locate, t);
        t.push(o.price);
      }
    }
  }

  /** Levels of one side, best first. */
  top(locate: number, side: "bid" | "ask"): [number, number][] {
    const levels = [...this.sides(locate)[side].entries()];
    return levels.sort((a, b) => side === "bid" ? b[0] - a[0] : a[0] - b[0]);
  }

  crossed(locate: number): boolean {
    const bid = this.top(locate, "bid")[0], ask = this.top(locate, "ask")[0];
    return bid !== undefined && ask !== undefined && bid[0] >= ask[0];
  }

  /** A new day: references and match numbers start again. */
  reset(): void {
    this.orders.clear();
    this.levels.clear();
    this.seenRefs.clear();
    this.trades.clear();
    this.lastMatch = 0;
  }
}
