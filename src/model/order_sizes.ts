import { Mt19937_64 } from "../core/rng.ts";

/**
 * The distribution of an order's size, in lots (`--sizes`). The event stream never depends on
 * it: sizes are drawn from a stream of their own, seeded from the session's seed, one draw per
 * order in the order the order image makes them (the opening book's orders first), so every
 * reader of a session (the exports, the ITCH feed) gives each order the same size.
 */
export type SizeDistribution =
  | { kind: "fixed" }
  | { kind: "geometric"; mean: number }
  | { kind: "lognormal"; mu: number; sigma: number }
  | { kind: "empirical"; sizes: number[]; weights: number[] };

/** No size above this many lots (a lognormal's tail would not fit ITCH's 32-bit shares). */
export const MAX_SIZE = 1_000_000;

/** Mixed into the session's seed, so the size stream shares nothing with the event stream. */
const SIZE_STREAM_KEY = 0x9e3779b97f4a7c15n;

/** Why `text` (`fixed`, `geometric:MEAN`, `lognormal:MU,SIGMA`) is not a distribution, or it. */
export function parseSizeSpec(text: string): SizeDistribution | string {
  if (text === "fixed") return { kind: "fixed" };
  const geometric = /^geometric:(.+)$/.exec(text);
  if (geometric) {
    const mean = Number(geometric[1]);
    if (!(mean >= 1 && mean <= MAX_SIZE)) return `geometric's MEAN must be 1 to ${MAX_SIZE}`;
    return { kind: "geometric", mean };
  }
  const lognormal = /^lognormal:([^,]+),(.+)$/.exec(text);
  if (lognormal) {
    const mu = Number(lognormal[1]), sigma = Number(lognormal[2]);
    if (!(Math.abs(mu) <= 20) || !(sigma >= 0 && sigma <= 5)) {
      return "lognormal's MU must be -20 to 20 and SIGMA 0 to 5";
    }
    return { kind: "lognormal", mu, sigma };
  }
  return "not fixed, geometric:MEAN, lognormal:MU,SIGMA or a file";
}

/**
 * The empirical distribution of a calibrated curves file's `order_sizes` key: an object from
 * size (in lots) to how often it was seen. Why it is not one, or it.
 */
export function empiricalSizes(table: unknown): SizeDistribution | string {
  if (typeof table !== "object" || table === null || Array.isArray(table)) {
    return "has no order_sizes object (size: count)";
  }
  const entries = Object.entries(table as Record<string, unknown>)
    .map(([size, count]) => [Number(size), Number(count)])
    .sort((a, b) => a[0] - b[0]);
  for (const [size, count] of entries) {
    if (!Number.isInteger(size) || size < 1 || size > MAX_SIZE || !(count >= 0)) {
      return `order_sizes: ${size}: ${count} is not a size of 1 to ${MAX_SIZE} and a count`;
    }
  }
  if (!entries.some(([, count]) => count > 0)) return "order_sizes: no size has a count";
  return {
    kind: "empirical",
    sizes: entries.map(([s]) => s),
    weights: entries.map(([, c]) => c),
  };
}

/** P(size <= k), the distribution function (for tests and `compare`). */
export function sizeCdf(d: SizeDistribution, k: number): number {
  if (k < 1) return 0;
  switch (d.kind) {
    case "fixed":
      return 1;
    case "geometric":
      return 1 - Math.pow(1 - 1 / d.mean, Math.floor(k));
    case "lognormal":
      return d.sigma === 0
        ? (Math.max(1, Math.round(Math.exp(d.mu))) <= k ? 1 : 0)
        : normalCdf((Math.log(Math.floor(k) + 0.5) - d.mu) / d.sigma);
    case "empirical": {
      const total = d.weights.reduce((a, b) => a + b, 0);
      let cum = 0;
      for (let i = 0; i < d.sizes.length && d.sizes[i] <= k; i++) cum += d.weights[i];
      return cum / total;
    }
  }
}

/** Φ, by the complementary error function (Numerical Recipes' erfc, |error| < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc = t * Math.exp(
    -z * z - 1.26551223 +
      t * (1.00002368 +
          t * (0.37409196 +
              t * (0.09678418 +
                  t * (-0.18628806 +
                      t * (0.27886807 +
                          t *
                            (-1.13520398 +
                              t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
  );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** One session's order sizes: `next()` is the next order's size in lots. */
export class OrderSizes {
  private readonly rng: Mt19937_64;
  private readonly cum: Float64Array | null = null;

  constructor(private readonly d: SizeDistribution, sessionSeed: bigint) {
    this.rng = new Mt19937_64(BigInt.asUintN(64, sessionSeed ^ SIZE_STREAM_KEY));
    if (d.kind === "empirical") {
      this.cum = new Float64Array(d.weights.length);
      let c = 0;
      d.weights.forEach((w, i) => this.cum![i] = c += w);
    }
  }

  next(): number {
    const d = this.d;
    switch (d.kind) {
      case "fixed":
        return 1;
      case "geometric": {
        if (d.mean === 1) return 1;
        const u = this.rng.uniform();
        return Math.min(MAX_SIZE, 1 + Math.floor(Math.log(1 - u) / Math.log(1 - 1 / d.mean)));
      }
      case "lognormal": {
        const u1 = 1 - this.rng.uniform(), u2 = this.rng.uniform();
        const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        return Math.min(MAX_SIZE, Math.max(1, Math.round(Math.exp(d.mu + d.sigma * z))));
      }
      case "empirical": {
        const cum = this.cum!, u = this.rng.uniform() * cum[cum.length - 1];
        for (let i = 0; i < cum.length; i++) if (u < cum[i]) return d.sizes[i];
        return d.sizes[d.sizes.length - 1];
      }
    }
  }
}
