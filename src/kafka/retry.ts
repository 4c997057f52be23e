/** The longest an unreachable broker is retried: `--kafka-timeout` stops here. */
export const MAX_RETRY_SECONDS = 3600;

const INITIAL_RETRY_MS = 300;
const MAX_RETRY_MS = 5000;

/**
 * The one retry policy for Kafka: backoff from 300 ms doubling to 5 s, with as many retries as
 * fit in `totalMs` (at least one). `totalMs` is clamped to MAX_RETRY_SECONDS, so the count is
 * bounded (at most about 730) whatever it is given, NaN and Infinity included.
 */
export function retryPolicy(totalMs: number) {
  const budget = Math.min(
    Number.isFinite(totalMs) ? Math.max(totalMs, 0) : 0,
    MAX_RETRY_SECONDS * 1000,
  );
  let retries = 0;
  let spent = 0;
  for (let wait = INITIAL_RETRY_MS; wait < MAX_RETRY_MS && spent + wait <= budget; retries++) {
    spent += wait;
    wait *= 2;
  }
  if (spent + MAX_RETRY_MS <= budget) retries += Math.floor((budget - spent) / MAX_RETRY_MS);
  return {
    initialRetryTime: INITIAL_RETRY_MS,
    maxRetryTime: MAX_RETRY_MS,
    retries: Math.max(retries, 1),
    multiplier: 2,
  };
}

/** kafkajs's wait for a TCP connection, and for any one request to be answered. */
export const CONNECTION_TIMEOUT_MS = 3000;
const REQUEST_TIMEOUT_MS = 30_000;

/** How long one request may wait for its answer: the budget, between 3 and 30 s. */
export function requestTimeoutMs(totalMs: number): number {
  return Math.min(
    Math.max(Number.isFinite(totalMs) ? totalMs : 0, CONNECTION_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS,
  );
}

/**
 * `work`, given up after the retry budget plus one request's wait: a server that accepts the
 * connection and never answers properly (or answers nonsense) cannot hold a command forever.
 */
export function withinBudget<T>(work: Promise<T>, totalMs: number): Promise<T> {
  const budget = Math.min(
    Number.isFinite(totalMs) ? Math.max(totalMs, 0) : 0,
    MAX_RETRY_SECONDS * 1000,
  );
  const ms = budget + requestTimeoutMs(totalMs) + CONNECTION_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no proper answer within ${(ms / 1000).toFixed(0)} s`)),
      ms,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
