/** Decoding of the ITCH 5.0 messages this feed sends (S, R, A, E, D), for `qrsdp listen`. */

export type ItchMessage =
  | { type: "S"; locate: number; ts: number; code: string }
  | { type: "R"; locate: number; ts: number; stock: string; lot: number }
  | {
    type: "A";
    locate: number;
    ts: number;
    ref: number;
    side: "B" | "S";
    shares: number;
    stock: string;
    price: number;
  }
  | { type: "E"; locate: number; ts: number; ref: number; shares: number; match: number }
  | { type: "D"; locate: number; ts: number; ref: number }
  | { type: "?"; locate: number; ts: number; code: string; length: number };

const SIZES: Record<string, number> = { S: 12, R: 39, A: 36, E: 31, D: 19 };

function text(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to)).trimEnd();
}

/** One message (without its length prefix); unknown or short messages come back as `?`. */
export function decodeItch(b: Uint8Array): ItchMessage {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const code = String.fromCharCode(b[0] ?? 0);
  if (b.length < 11 || SIZES[code] !== b.length) {
    return { type: "?", locate: 0, ts: 0, code, length: b.length };
  }
  const locate = v.getUint16(1);
  const ts = v.getUint16(5) * 4294967296 + v.getUint32(7);
  const u64 = (o: number) => v.getUint32(o) * 4294967296 + v.getUint32(o + 4);
  switch (code) {
    case "S":
      return { type: "S", locate, ts, code: String.fromCharCode(b[11]) };
    case "R":
      return { type: "R", locate, ts, stock: text(b, 11, 19), lot: v.getUint32(21) };
    case "A":
      return {
        type: "A",
        locate,
        ts,
        ref: u64(11),
        side: b[19] === 0x42 ? "B" : "S",
        shares: v.getUint32(20),
        stock: text(b, 24, 32),
        price: v.getUint32(32),
      };
    case "E":
      return { type: "E", locate, ts, ref: u64(11), shares: v.getUint32(19), match: u64(23) };
    default:
      return { type: "D", locate, ts, ref: u64(11) };
  }
}

/** `HH:MM:SS.nnnnnnnnn` of nanoseconds since midnight. */
export function clockText(ns: number): string {
  const s = Math.floor(ns / 1e9);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}.${
    pad(ns - s * 1e9, 9)
  }`;
}

/** An ITCH price (4 implied decimals) as text. */
export function priceText(price: number): string {
  return (price / 10000).toFixed(4);
}

/** One line of text for a message. */
export function messageText(m: ItchMessage, stocks: Map<number, string>): string {
  const at = `${clockText(m.ts)} ${m.type}`;
  const stock = stocks.get(m.locate) ?? `#${m.locate}`;
  switch (m.type) {
    case "S":
      return `${at} system event ${m.code}`;
    case "R":
      return `${at} ${m.stock} locate ${m.locate} round lot ${m.lot}`;
    case "A":
      return `${at} ${m.stock} add ${m.ref} ${m.side === "B" ? "buy" : "sell"} ${m.shares} @ ${
        priceText(m.price)
      }`;
    case "E":
      return `${at} ${stock} executed ${m.ref} ${m.shares} match ${m.match}`;
    case "D":
      return `${at} ${stock} delete ${m.ref}`;
    default:
      return `${at} unknown message '${m.code}' of ${m.length} bytes`;
  }
}
