/** The live orders at one price, oldest first: a ring of order reference numbers. */
export class OrderQueue {
  private refs = new Float64Array(8);
  private head = 0;
  size = 0;

  constructor(public price: number) {}

  /** Pushes `first`, `first + 1`, ..., `count` references in all. */
  pushRange(first: number, count: number): void {
    while (this.size + count > this.refs.length) this.grow();
    const mask = this.refs.length - 1;
    for (let n = 0; n < count; n++) this.refs[(this.head + this.size + n) & mask] = first + n;
    this.size += count;
  }

  popOldest(): number {
    const ref = this.refs[this.head];
    this.head = (this.head + 1) & (this.refs.length - 1);
    this.size--;
    return ref;
  }

  popYoungest(): number {
    this.size--;
    return this.refs[(this.head + this.size) & (this.refs.length - 1)];
  }

  /** The i-th oldest order. */
  at(i: number): number {
    return this.refs[(this.head + i) & (this.refs.length - 1)];
  }

  /** Each reference `base + i` (i >= 0) becomes `map[i]`. */
  renumber(base: number, map: Float64Array): void {
    const mask = this.refs.length - 1;
    for (let i = 0; i < this.size; i++) {
      const k = (this.head + i) & mask, ref = this.refs[k];
      if (ref >= base) this.refs[k] = map[ref - base];
    }
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  private grow(): void {
    const refs = new Float64Array(this.refs.length * 2);
    for (let i = 0; i < this.size; i++) refs[i] = this.at(i);
    this.refs = refs;
    this.head = 0;
  }
}
