/** What is known of a (symbol, date)'s events in one place: compared in any order. */
export interface Tally {
  events: number;
  /** Sum of the events' hashes, mod 2^32. */
  sum: number;
  /** XOR of the events' hashes. */
  xor: number;
}

export const newTally = (): Tally => ({ events: 0, sum: 0, xor: 0 });

export function addHash(t: Tally, h: number): void {
  t.events++;
  t.sum = (t.sum + h) >>> 0;
  t.xor = (t.xor ^ h) >>> 0;
}

export const sameTally = (a: Tally, b: Tally) =>
  a.events === b.events && a.sum === b.sum && a.xor === b.xor;

export const groupKey = (symbol: string, date: string) => `${symbol} ${date}`;

/** Per order id: how many events carry it, and the XOR of their hashes. */
export class IdTally {
  readonly counts = new Map<number, number>();
  readonly xors = new Map<number, number>();

  add(orderId: number, h: number): void {
    this.counts.set(orderId, (this.counts.get(orderId) ?? 0) + 1);
    this.xors.set(orderId, ((this.xors.get(orderId) ?? 0) ^ h) >>> 0);
  }
}

/** How one place's events of a (symbol, date) differ from the files', by order id. */
export interface IdDifferences {
  /** In the files, not here. */
  missing: string;
  /** Here more than once. */
  duplicated: string;
  /** Here once, but not as in the files. */
  changed: string;
  /** Here, not in the files. */
  extra: string;
}

/** Order ids as ranges: "3-7, 12". */
export function rangesText(ids: number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(", ");
}

export function idDifferences(files: IdTally, here: IdTally): IdDifferences {
  const missing: number[] = [], duplicated: number[] = [], changed: number[] = [];
  const extra: number[] = [];
  for (const [id, n] of files.counts) {
    const m = here.counts.get(id) ?? 0;
    if (m < n) missing.push(id);
    else if (m > n) duplicated.push(id);
    else if (here.xors.get(id) !== files.xors.get(id)) changed.push(id);
  }
  for (const id of here.counts.keys()) if (!files.counts.has(id)) extra.push(id);
  return {
    missing: rangesText(missing),
    duplicated: rangesText(duplicated),
    changed: rangesText(changed),
    extra: rangesText(extra),
  };
}
