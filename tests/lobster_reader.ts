/**
 * An independent reader of LOBSTER message and order book files, for the tests: it rebuilds the
 * book from the message file alone (no records, no code of the exporter) and says where that
 * book and the order book file disagree, or a message refers to an order that is not resting.
 */
export interface LobsterCheck {
  /** Messages per LOBSTER event type. */
  types: Record<number, number>;
  /** Problems found, at most 10, each naming its line. */
  problems: string[];
  /** Message lines read. */
  lines: number;
  /** Order IDs of the submissions, in order. */
  submitted: number[];
  /** Size of every submission. */
  sizes: number[];
}

interface Resting {
  price: number;
  size: number;
  direction: number;
}

export function rebuildLobster(
  messageText: string,
  bookText: string,
  levels: number,
): LobsterCheck {
  const messages = messageText.trimEnd().split("\n");
  const books = bookText.trimEnd().split("\n");
  const check: LobsterCheck = { types: {}, problems: [], lines: 0, submitted: [], sizes: [] };
  const problem = (text: string) => {
    if (check.problems.length < 10) check.problems.push(text);
  };
  if (messages.length !== books.length) {
    problem(`${messages.length} message lines, ${books.length} order book lines`);
  }
  const resting = new Map<number, Resting>();
  const ever = new Set<number>();
  for (let i = 0; i < messages.length; i++) {
    const [, type, id, size, price, direction] = messages[i].split(",").map(Number);
    check.types[type] = (check.types[type] ?? 0) + 1;
    if (type === 1) {
      if (ever.has(id)) problem(`line ${i + 1}: order ${id} submitted twice`);
      ever.add(id);
      resting.set(id, { price, size, direction });
      check.submitted.push(id);
      check.sizes.push(size);
    } else {
      const o = resting.get(id);
      if (!o) {
        problem(`line ${i + 1}: type ${type} of order ${id}, which is not resting`);
        continue;
      }
      if (o.price !== price || o.direction !== direction) {
        problem(
          `line ${
            i + 1
          }: order ${id} rests at ${o.price} ${o.direction}, not ${price} ${direction}`,
        );
      }
      if (size > o.size) problem(`line ${i + 1}: order ${id} has ${o.size}, not ${size}`);
      o.size -= size;
      if (type === 3 && o.size !== 0) problem(`line ${i + 1}: deletion leaves ${o.size}`);
      if (o.size === 0) resting.delete(id);
    }
    const expected = bookLine(resting, levels);
    if (books[i] !== expected) {
      problem(`line ${i + 1}: book file '${books[i]}', rebuilt '${expected}'`);
    }
    check.lines++;
  }
  return check;
}

function bookLine(resting: Map<number, Resting>, levels: number): string {
  const bids = new Map<number, number>(), asks = new Map<number, number>();
  for (const o of resting.values()) {
    const side = o.direction === 1 ? bids : asks;
    side.set(o.price, (side.get(o.price) ?? 0) + o.size);
  }
  const bidPrices = [...bids.keys()].sort((a, b) => b - a);
  const askPrices = [...asks.keys()].sort((a, b) => a - b);
  const out: (string | number)[] = [];
  for (let l = 0; l < levels; l++) {
    const a = askPrices[l], b = bidPrices[l];
    out.push(a ?? 9999999999, a === undefined ? 0 : asks.get(a)!);
    out.push(b ?? -9999999999, b === undefined ? 0 : bids.get(b)!);
  }
  return out.join(",");
}
