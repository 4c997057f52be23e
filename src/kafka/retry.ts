/** Backoff from 300 ms to 5 s, with as many retries as fit in `totalMs` (at least one). */
export function retryPolicy(totalMs: number) {
  const initialRetryTime = 300, maxRetryTime = 5000;
  let retries = 0;
  for (let spent = 0, wait = initialRetryTime; spent + wait <= totalMs; retries++) {
    spent += wait;
    wait = Math.min(wait * 2, maxRetryTime);
  }
  return { initialRetryTime, maxRetryTime, retries: Math.max(retries, 1), multiplier: 2 };
}
