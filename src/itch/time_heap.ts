/**
 * The securities of a feed with a record in hand, as a binary min-heap on (ts_ns, security): the
 * order in which the feed takes their records (ties go to the lower security). Keys sit beside
 * the securities in two typed arrays, by heap position, so a step reads a few kilobytes of
 * contiguous memory whatever the number of securities, and nothing of each security's own state.
 */
export class TimeHeap {
  private readonly keys: Float64Array;
  private readonly ids: Int32Array;
  /** Securities in the heap. */
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(1, capacity));
    this.ids = new Int32Array(Math.max(1, capacity));
  }

  /** The first security in line, -1 when the heap is empty. */
  get top(): number {
    return this.size > 0 ? this.ids[0] : -1;
  }

  /** The time of the first security's record. */
  get topTs(): number {
    return this.keys[0];
  }

  /** The security in line after the first, -1 when there is none. */
  get second(): number {
    const at = this.secondAt();
    return at < 0 ? -1 : this.ids[at];
  }

  /** The time of the second security's record (Infinity when there is none). */
  get secondTs(): number {
    const at = this.secondAt();
    return at < 0 ? Infinity : this.keys[at];
  }

  push(security: number, tsNs: number): void {
    const keys = this.keys, ids = this.ids;
    let k = this.size++;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      const pt = keys[parent];
      if (pt < tsNs || (pt === tsNs && ids[parent] < security)) break;
      keys[k] = pt;
      ids[k] = ids[parent];
      k = parent;
    }
    keys[k] = tsNs;
    ids[k] = security;
  }

  clear(): void {
    this.size = 0;
  }

  /** The first security's next record is at `tsNs`: it takes its place in line. */
  replaceTop(tsNs: number): void {
    this.siftDown(this.ids[0], tsNs);
  }

  /** Takes the first security out (it has no more records). */
  pop(): void {
    const n = --this.size;
    if (n > 0) this.siftDown(this.ids[n], this.keys[n]);
  }

  private secondAt(): number {
    if (this.size < 2) return -1;
    if (this.size === 2) return 1;
    const keys = this.keys;
    return keys[2] < keys[1] || (keys[2] === keys[1] && this.ids[2] < this.ids[1]) ? 2 : 1;
  }

  /** Places (security, ts) from the root down. */
  private siftDown(security: number, tsNs: number): void {
    const keys = this.keys, ids = this.ids, n = this.size;
    let k = 0;
    for (;;) {
      let c = 2 * k + 1;
      if (c >= n) break;
      let ct = keys[c];
      if (c + 1 < n) {
        const rt = keys[c + 1];
        if (rt < ct || (rt === ct && ids[c + 1] < ids[c])) {
          c++;
          ct = rt;
        }
      }
      if (tsNs < ct || (tsNs === ct && security < ids[c])) break;
      keys[k] = ct;
      ids[k] = ids[c];
      k = c;
    }
    keys[k] = tsNs;
    ids[k] = security;
  }
}
