/**
 * ITCH 5.0 messages (itch.md): big-endian, 48-bit nanosecond timestamps, prices with 4 implied
 * decimals. Each message is written framed, behind its u16 length, which is both the daily
 * file's layout and MoldUDP64's message block.
 */

export const MessageSize = { S: 12, R: 39, A: 36, E: 31, D: 19 } as const;

export const SystemEventCode = {
  START_OF_MESSAGES: "O",
  START_OF_SYSTEM_HOURS: "S",
  START_OF_MARKET_HOURS: "Q",
  END_OF_MARKET_HOURS: "M",
  END_OF_SYSTEM_HOURS: "E",
  END_OF_MESSAGES: "C",
} as const;

const TWO_POW_32 = 4294967296;
const U32_MAX = TWO_POW_32 - 1;
const SYMBOL_RE = /^[A-Z0-9. ]{1,8}$/;
const CH = (c: string) => c.charCodeAt(0);
const A = CH("A"), E = CH("E"), D = CH("D"), S = CH("S"), R = CH("R"), B = CH("B");

/** Why `symbol` cannot be an ITCH stock field, or null when it can. */
export function itchSymbolProblem(symbol: string): string | null {
  return SYMBOL_RE.test(symbol)
    ? null
    : `symbol '${symbol}' does not fit ITCH (1-8 of A-Z, 0-9, '.', space)`;
}

/** The 8-byte stock field: left-aligned, space-padded. */
export function stockField(symbol: string): Uint8Array {
  const problem = itchSymbolProblem(symbol);
  if (problem) throw new RangeError(problem);
  const out = new Uint8Array(8).fill(0x20);
  for (let i = 0; i < symbol.length; i++) out[i] = symbol.charCodeAt(i);
  return out;
}

/** Why `ticks × tickSize` cannot be an ITCH price (u32), or null when it can. */
export function itchPriceProblem(ticks: number, tickSize: number): string | null {
  const price = ticks * tickSize;
  return Number.isInteger(price) && price >= 0 && price <= U32_MAX
    ? null
    : `price ${ticks} ticks × tick size ${tickSize} = ${price} does not fit an ITCH price (u32)`;
}

/**
 * A growing buffer of framed messages (u16 length, then the message). Messages carry the
 * timestamp last given to `time`: every message of a record shares its `ts_ns`, so it is split
 * into the wire's u16 and u32 once per record, not once per message.
 */
export class ItchBuffer {
  bytes: Uint8Array;
  view: DataView;
  length = 0;
  /** Messages written since the last `clear`. */
  messages = 0;
  private tsNs = 0;
  private tsHi = 0;
  private tsLo = 0;

  /** The other buffer: it holds the messages before the last `clear`. */
  private spare: Uint8Array;
  private spareView: DataView;

  constructor(capacity = 1 << 16) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
    this.spare = new Uint8Array(0);
    this.spareView = new DataView(this.spare.buffer);
  }

  /** The framed messages written since the last `clear` (a view, valid until the next write). */
  get data(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /**
   * Starts over in the other of two buffers: what `data` gave before stays as it was until the
   * `clear` after next, so its bytes can be written out while the next messages are made.
   */
  clear(): void {
    if (this.spare.length < this.bytes.length) {
      this.spare = new Uint8Array(this.bytes.length);
      this.spareView = new DataView(this.spare.buffer);
    }
    [this.bytes, this.spare] = [this.spare, this.bytes];
    [this.view, this.spareView] = [this.spareView, this.view];
    this.length = 0;
    this.messages = 0;
  }

  /** Appends `messages` framed messages copied from `bytes[from, to)`. */
  append(bytes: Uint8Array, from: number, to: number, messages: number): void {
    const n = to - from;
    if (this.length + n > this.bytes.length) this.grow(n);
    this.bytes.set(bytes.subarray(from, to), this.length);
    this.length += n;
    this.messages += messages;
  }

  /** Sets the timestamp (nanoseconds since midnight) of the messages written after it. */
  time(tsNs: number): void {
    if (tsNs === this.tsNs) return;
    this.tsNs = tsNs;
    this.tsHi = Math.floor(tsNs / TWO_POW_32);
    this.tsLo = tsNs - this.tsHi * TWO_POW_32;
  }

  /** Reserves a framed message of `size` bytes; returns the offset of its first byte. */
  private begin(size: number, type: number, locate: number): number {
    if (this.length + size + 2 > this.bytes.length) this.grow(size + 2);
    const v = this.view;
    const o = this.length + 2;
    // length (2), type, locate (2), tracking 0 (2), timestamp (6) in four writes.
    v.setUint32(o - 2, ((size << 16) | (type << 8) | (locate >>> 8)) >>> 0);
    v.setUint32(o + 2, (((locate & 0xff) << 24) | (this.tsHi >>> 8)) >>> 0);
    this.bytes[o + 6] = this.tsHi & 0xff;
    v.setUint32(o + 7, this.tsLo);
    this.length = o + size;
    this.messages++;
    return o;
  }

  private grow(need: number): void {
    let cap = this.bytes.length * 2;
    while (cap < this.length + need) cap *= 2;
    const bytes = new Uint8Array(cap);
    bytes.set(this.data);
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer);
  }

  private u64(o: number, value: number): void {
    if (value < TWO_POW_32) {
      this.view.setUint32(o, 0);
      this.view.setUint32(o + 4, value);
    } else {
      const hi = Math.floor(value / TWO_POW_32);
      this.view.setUint32(o, hi);
      this.view.setUint32(o + 4, value - hi * TWO_POW_32);
    }
  }

  /** Byte by byte: eight stores cost less than a call to `set`. */
  private stock(o: number, stock: Uint8Array): void {
    const b = this.bytes;
    b[o] = stock[0];
    b[o + 1] = stock[1];
    b[o + 2] = stock[2];
    b[o + 3] = stock[3];
    b[o + 4] = stock[4];
    b[o + 5] = stock[5];
    b[o + 6] = stock[6];
    b[o + 7] = stock[7];
  }

  systemEvent(code: string): void {
    const o = this.begin(MessageSize.S, S, 0);
    this.bytes[o + 11] = CH(code);
  }

  stockDirectory(locate: number, stock: Uint8Array, lot: number): void {
    const o = this.begin(MessageSize.R, R, locate);
    const b = this.bytes;
    this.stock(o + 11, stock);
    b[o + 19] = CH("Q");
    b[o + 20] = CH("N");
    this.view.setUint32(o + 21, lot);
    b[o + 25] = CH("N");
    b[o + 26] = CH("C");
    b[o + 27] = CH("Z");
    b[o + 28] = 0x20;
    b[o + 29] = CH("P");
    b[o + 30] = CH("N");
    b[o + 31] = CH("N");
    b[o + 32] = CH("1");
    b[o + 33] = CH("N");
    this.view.setUint32(o + 34, 0);
    b[o + 38] = CH("N");
  }

  /** `price` is the wire price (ticks × tick size), already checked to fit a u32. */
  addOrder(
    locate: number,
    ref: number,
    buy: boolean,
    shares: number,
    stock: Uint8Array,
    price: number,
  ): void {
    const o = this.begin(MessageSize.A, A, locate);
    this.u64(o + 11, ref);
    this.bytes[o + 19] = buy ? B : S;
    this.view.setUint32(o + 20, shares);
    this.stock(o + 24, stock);
    this.view.setUint32(o + 32, price);
  }

  /** `count` Add Orders alike but for their reference numbers: `firstRef`, `firstRef + 1`, ... */
  addOrders(
    locate: number,
    firstRef: number,
    count: number,
    buy: boolean,
    shares: number,
    stock: Uint8Array,
    price: number,
  ): void {
    for (let n = 0; n < count; n++) this.addOrder(locate, firstRef + n, buy, shares, stock, price);
  }

  orderExecuted(locate: number, ref: number, shares: number, match: number): void {
    const o = this.begin(MessageSize.E, E, locate);
    this.u64(o + 11, ref);
    this.view.setUint32(o + 19, shares);
    this.u64(o + 23, match);
  }

  orderDelete(locate: number, ref: number): void {
    const o = this.begin(MessageSize.D, D, locate);
    this.u64(o + 11, ref);
  }
}
