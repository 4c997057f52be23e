import { Mt19937_64 } from "../core/rng.ts";

/**
 * How busy the market is over a session, as a multiplier on every intensity (`--intraday`,
 * `--regimes`). Multiplying every rate by the same factor leaves the choice of each event as it
 * was and shortens or stretches only the waits between events: the events are those of the
 * reference model, in the same order, on a clock that runs faster when the market is busy
 * (a random time change, after Clark 1973). Without either, the session does not use this.
 */
export interface ActivitySettings {
  /** Multipliers of each 30 minutes from the open (the last one holds after the table); null: flat. */
  intraday: number[] | null;
  /** A hidden activity regime; null: none. */
  regimes: RegimeSettings | null;
}

/**
 * A Markov chain over a few activity levels: the regime lasts an exponential time of mean
 * `meanSeconds`, then a new one is drawn with `weights` (it may be the same), so each level holds
 * its weight's share of the time and two minutes k apart share their regime with probability
 * exp(-k·60/meanSeconds): busy and quiet hours, whose returns are large and small together.
 */
export interface RegimeSettings {
  multipliers: number[];
  weights: number[];
  meanSeconds: number;
}

export const INTRADAY_BUCKET_SECONDS = 1800;

/**
 * The default U-shape of a 6.5-hour day, per 30 minutes from 09:30: busiest at the open, quietest
 * around midday, busy again into the close, as the intraday volume and trade counts of US stocks
 * are (Jain & Joh 1988; Admati & Pfleiderer 1988; Chan, Chung & Johnson 1995). The first and last
 * half hours are 3.5 to 3.75 times the quietest, at the steep end of what those studies measure,
 * so that the shape stands out from the regimes' randomness over a few weeks. Mean 1 over the 13
 * half hours.
 */
export const U_SHAPE = normalise([
  3.0,
  1.8,
  1.35,
  1.1,
  0.95,
  0.85,
  0.8,
  0.85,
  0.95,
  1.05,
  1.25,
  1.6,
  2.8,
]);

/**
 * The default regimes: quiet, normal and busy (0.3, 1 and 5, scaled so that their mean over time
 * is 1 and a day has as many events as without them) with 40%, 50% and 10% of the time, lasting
 * 40 minutes on average. Chosen so that 1-minute returns have the heavy tails (excess
 * kurtosis above 3) and the slowly decaying autocorrelation of absolute returns (above 0.1 over
 * ten minutes) measured on stocks (Cont 2001), with no autocorrelation of the returns themselves.
 */
export const DEFAULT_REGIMES: RegimeSettings = {
  multipliers: [0.3, 1, 5].map((m) => m / 1.12),
  weights: [0.4, 0.5, 0.1],
  meanSeconds: 2400,
};

/** Scaled to mean 1. */
export function normalise(values: number[]): number[] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.map((v) => v / mean);
}

/** Mixed into the session's seed: the regime's stream shares nothing with the events'. */
const REGIME_STREAM_KEY = 0x6a09e667f3bcc909n;

/** One session's activity: `at(t)` is the multiplier at `t` seconds after the open. */
export class Activity {
  private readonly rng: Mt19937_64;
  private regime = 0;
  private nextSwitch = Infinity;
  private readonly cum: number[] = [];

  constructor(private readonly settings: ActivitySettings, sessionSeed: bigint) {
    this.rng = new Mt19937_64(BigInt.asUintN(64, sessionSeed ^ REGIME_STREAM_KEY));
    const r = settings.regimes;
    if (r) {
      let c = 0;
      for (const w of r.weights) this.cum.push(c += w);
      this.regime = this.drawRegime();
      this.nextSwitch = this.holding();
    }
  }

  /** Times must not go backwards. */
  at(t: number): number {
    const r = this.settings.regimes;
    while (t >= this.nextSwitch) {
      this.regime = this.drawRegime();
      this.nextSwitch += this.holding();
    }
    const table = this.settings.intraday;
    const shape = table
      ? table[Math.min(Math.floor(t / INTRADAY_BUCKET_SECONDS), table.length - 1)]
      : 1;
    return r ? shape * r.multipliers[this.regime] : shape;
  }

  private drawRegime(): number {
    const cum = this.cum, u = this.rng.uniform() * cum[cum.length - 1];
    for (let i = 0; i < cum.length; i++) if (u < cum[i]) return i;
    return cum.length - 1;
  }

  private holding(): number {
    return -Math.log(1 - this.rng.uniform()) * this.settings.regimes!.meanSeconds;
  }
}
