import { SojournCells } from "./sojourns.ts";

/** Per cell: the time at risk, the sojourn count, then one count per event type. */
const WIDTH = 8;
/** Queue sizes below this have their cell's place in a table, larger ones in a map. */
const DIRECT = 4096;

/**
 * Sojourn cells keyed by queue size in shares, sparse (a real queue holds any number of shares):
 * the estimator fills them in one pass, before the size of a model unit is known. Each event ends
 * its queue's sojourn whatever its size, so a cell in shares belongs to exactly one cell in units
 * and `inUnits` is exact.
 */
export class ShareCells {
  private readonly index: Map<number, number>[];
  /** Per table and queue size below DIRECT: the cell's place in `data` + 1, 0 for none yet. */
  private readonly direct: Int32Array;
  private data = new Float64Array(WIDTH * 1024);
  private used = 0;

  constructor(readonly levels: number) {
    this.index = Array.from({ length: 2 * levels }, () => new Map());
    this.direct = new Int32Array(2 * levels * DIRECT);
  }

  add(side: number, level: number, shares: number, dt: number, type: number): void {
    const at = this.cell(side, level, shares);
    this.data[at] += dt;
    this.data[at + 1]++;
    this.data[at + 2 + type]++;
  }

  addExposure(side: number, level: number, shares: number, dt: number): void {
    this.data[this.cell(side, level, shares)] += dt;
  }

  /**
   * The cells in units: `unit[unitOf(level)]` shares per unit (`unitOf` maps a level of these
   * cells to one of `unit`'s, for cells filed by spread too), a queue's size rounded up.
   */
  inUnits(unit: ArrayLike<number>, unitOf = (level: number) => level): SojournCells {
    const out = new SojournCells(this.levels);
    const counts = new Float64Array(WIDTH - 2);
    for (let side = 0; side < 2; side++) {
      for (let level = 0; level < this.levels; level++) {
        for (const [shares, at] of this.index[side * this.levels + level]) {
          counts.set(this.data.subarray(at + 2, at + WIDTH));
          out.merge(
            side,
            level,
            Math.ceil(shares / unit[unitOf(level)]),
            this.data[at],
            this.data[at + 1],
            counts,
          );
        }
      }
    }
    return out;
  }

  private cell(side: number, level: number, shares: number): number {
    const table = side * this.levels + level;
    if (shares < DIRECT) {
      const at = this.direct[table * DIRECT + shares];
      if (at > 0) return at - 1;
    }
    const index = this.index[table];
    let at = index.get(shares);
    if (at === undefined) {
      at = WIDTH * this.used++;
      if (at + WIDTH > this.data.length) {
        const bigger = new Float64Array(this.data.length * 2);
        bigger.set(this.data);
        this.data = bigger;
      }
      index.set(shares, at);
      if (shares < DIRECT) this.direct[table * DIRECT + shares] = at + 1;
    }
    return at;
  }
}
