/** Ranges `[from, to)` of sequence numbers given up, sorted; at most `limit`, oldest dropped. */
export class SequenceHoles {
  private ranges: { from: bigint; to: bigint }[] = [];

  constructor(private readonly limit = 10_000) {}

  clear(): void {
    this.ranges = [];
  }

  /** A range above every range held. */
  add(from: bigint, to: bigint): void {
    this.ranges.push({ from, to });
    if (this.ranges.length > this.limit) this.ranges.shift();
  }

  /** True (and `seq` no longer a hole) when `seq` was in a hole. */
  take(seq: bigint): boolean {
    const r = this.ranges;
    let lo = 0, hi = r.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (r[mid].to <= seq) lo = mid + 1;
      else if (r[mid].from > seq) hi = mid - 1;
      else {
        const { from, to } = r[mid];
        const parts = [];
        if (from < seq) parts.push({ from, to: seq });
        if (seq + 1n < to) parts.push({ from: seq + 1n, to });
        r.splice(mid, 1, ...parts);
        return true;
      }
    }
    return false;
  }
}
