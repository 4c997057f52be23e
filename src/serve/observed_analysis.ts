import type { LevelBook, ObservationSink } from "../calibrate/observations.ts";
import { EVENT_TYPE_NAMES } from "../core/events.ts";
import { analysisOf, MAX_SPREAD_TICKS } from "./analysis.ts";
import type { Analysis } from "./analysis.ts";

/**
 * The analysis page's figures from a stream of observations (LOBSTER or ITCH data), as
 * `analyseSession` makes them from a `.qrsdp` session: times in seconds, prices in ticks from the
 * book's best levels. The sampling periods (trading between halts) are laid end to end from the
 * first one's start: the mid is held through a halt, and no spread time is counted in one.
 */
export class ObservedAnalysis implements ObservationSink {
  private start = NaN;
  private endT = NaN;
  private open = false;
  private lastT = 0;
  private lastEvent = NaN;
  private mid = NaN;
  private spread = 0;
  private nextSecond = 0;
  private readonly perSecond: number[] = [];
  private readonly spreadTime = new Float64Array(MAX_SPREAD_TICKS + 1);
  private gaps = new Float64Array(1 << 16);
  private gapCount = 0;
  private events = 0;
  private readonly mix = new Array(EVENT_TYPE_NAMES.length).fill(0);
  private readonly halfHours: number[] = [];
  private readonly candles: number[][] = [];
  private minuteEnd = 0;

  constructor(private readonly book: LevelBook) {}

  begin(t: number): void {
    if (this.start !== this.start) {
      this.start = this.nextSecond = t;
      this.minuteEnd = t + 60;
      this.read();
      this.candles.push([0, this.mid, this.mid, this.mid, this.mid]);
    }
    this.open = true;
    this.lastT = t;
  }

  event(t: number, _side: number, _level: number, type: number): void {
    if (!this.open) this.begin(t);
    this.advance(t);
    if (this.lastEvent === this.lastEvent) {
      if (this.gapCount === this.gaps.length) {
        const grown = new Float64Array(this.gaps.length * 2);
        grown.set(this.gaps);
        this.gaps = grown;
      }
      this.gaps[this.gapCount++] = t - this.lastEvent;
    }
    this.lastEvent = t;
    this.mix[type]++;
    const half = Math.floor((t - this.start) / 1800);
    while (this.halfHours.length <= half) this.halfHours.push(0);
    this.halfHours[half]++;
    this.events++;
  }

  after(t: number, bestMoved: boolean): void {
    if (bestMoved) this.read();
    const c = this.candles[this.candles.length - 1];
    if (t >= this.minuteEnd) {
      const minute = Math.floor((t - this.start) / 60);
      this.minuteEnd = this.start + (minute + 1) * 60;
      this.candles.push([minute, this.mid, this.mid, this.mid, this.mid]);
    } else {
      if (this.mid > c[2]) c[2] = this.mid;
      if (this.mid < c[3]) c[3] = this.mid;
      c[4] = this.mid;
    }
  }

  end(t: number): void {
    if (!this.open) return;
    this.advance(t);
    this.open = false;
    this.endT = t;
  }

  /** The figures, `date` the session's (or the source's name). */
  analysis(date: string): Analysis {
    const seconds = this.endT === this.endT ? Math.ceil(this.endT - this.start) : 0;
    const perSecond = this.perSecond.slice(0, seconds + 1);
    while (perSecond.length <= seconds) perSecond.push(this.mid);
    return analysisOf({
      date,
      events: this.events,
      seconds,
      candles: this.candles,
      perSecond,
      spreadTime: this.spreadTime,
      totalTime: Math.max(seconds, 1e-9),
      gaps: this.gaps.subarray(0, this.gapCount),
      mix: this.mix,
      halfHours: this.halfHours,
    });
  }

  /** The mid at each whole second up to t, and the time at the spread since the last event. */
  private advance(t: number): void {
    while (this.nextSecond <= t) {
      this.perSecond.push(this.mid);
      this.nextSecond += 1;
    }
    if (this.spread > 0 && t > this.lastT) {
      this.spreadTime[Math.min(this.spread, MAX_SPREAD_TICKS)] += t - this.lastT;
    }
    this.lastT = t;
  }

  /**
   * The mid and spread of the book now, when it has both sides. A book that starts empty (a day's
   * files from before the first order) has no mid until then: the first one stands for it.
   */
  private read(): void {
    const bid = this.book.bidPrice[0], ask = this.book.askPrice[0];
    if (!(bid > 0 && ask > bid)) return;
    const first = this.mid !== this.mid;
    this.mid = (bid + ask) / 2;
    this.spread = ask - bid;
    if (!first) return;
    this.perSecond.fill(this.mid);
    for (const c of this.candles) c.fill(this.mid, 1);
  }
}
