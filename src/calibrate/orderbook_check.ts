import { DataError } from "../core/errors.ts";
import type { MessageHandler } from "../core/worker_scope.ts";
import { RepeatingCsvReader } from "./repeating_csv_reader.ts";
import type { ChangedRow } from "./repeating_csv_reader.ts";

/** LOBSTER's dummy price of a missing level (±9999999999). */
export const DUMMY_PRICE = 9_999_999_999;
/** Fields an orderbook row may have at most, and one more. */
export const ORDERBOOK_FIELDS = 4 * 200 + 1;

/** A price in ticks; an error naming the reader's line when it is not a multiple of the tick. */
export function toTicks(price: number, tick: number, reader: Pick<ChangedRow, "fail">): number {
  const ticks = Math.round(price / tick);
  if (Math.abs(ticks * tick - price) > 1e-6 * tick) {
    reader.fail(`price ${price} is not a multiple of the tick size ${tick}`);
  }
  return ticks;
}

/** Checks the prices a row changed (the fields not copied from the row before) on the tick. */
export function checkPrices(reader: ChangedRow, tick: number): void {
  const f = reader.fields, to = reader.changedTo;
  for (let k = reader.changedFrom + (reader.changedFrom & 1); k < to; k += 2) {
    if (Math.abs(f[k]) < DUMMY_PRICE) toTicks(f[k], tick, reader);
  }
}

/** Checks a row's field count: 4 per level, as many as the first row's (`width`, 0 for it). */
export function checkWidth(reader: ChangedRow, n: number, width: number): void {
  if (width === 0) {
    if (n === 0 || n % 4 !== 0) reader.fail(`${n} fields, not 4 per level`);
  } else if (n !== width) reader.fail(`${n} fields, the first row has ${width}`);
}

/** What checking a whole orderbook file found: the rows before the first bad one, and its error. */
export interface OrderbookVerdict {
  /** Rows read well (all of them when there is no error). */
  rows: number;
  /** The first bad row's error (`line N: ...`), or null. */
  error: string | null;
}

/**
 * Reads every row of a LOBSTER orderbook file as the calibration would read it in step with the
 * messages: numbers only, the first row's field count on each, prices on the tick.
 */
export function checkOrderbook(path: string, tick: number): OrderbookVerdict {
  let reader: RepeatingCsvReader;
  try {
    reader = new RepeatingCsvReader(path, ORDERBOOK_FIELDS);
  } catch (e) {
    if (e instanceof DataError) return { rows: 0, error: e.detail };
    throw e;
  }
  let width = 0;
  try {
    for (let n = reader.next(); n !== null; n = reader.next()) {
      checkWidth(reader, n, width);
      width = n;
      checkPrices(reader, tick);
    }
    return { rows: reader.line, error: null };
  } catch (e) {
    if (e instanceof DataError) return { rows: reader.line - 1, error: e.detail };
    throw e;
  } finally {
    reader.close();
  }
}

/** A check of an orderbook file under way; `verdict` waits for it (blocking this thread). */
export interface PendingCheck {
  verdict(): OrderbookVerdict;
  /** Ends it, done or not. */
  stop(): void;
}

interface CheckJob {
  kind: "orderbook-check";
  path: string;
  tick: number;
  /** [state (0 running, 1 done), rows, error length in bytes, started], then the error's bytes. */
  shared: SharedArrayBuffer;
}

const ERROR_BYTES = 4096, HEADER = 16;
/** A worker that has not begun the check this long after it was sent is not waited for. */
const START_MS = 2000;

/**
 * Checks an orderbook file (checkOrderbook) in a worker thread started from `workerUrl` (the
 * program's entry module), beside what this thread does meanwhile; without one, on this thread
 * when the verdict is asked for.
 */
export function startOrderbookCheck(
  path: string,
  tick: number,
  workerUrl?: string | URL,
): PendingCheck {
  if (!workerUrl) {
    let verdict: OrderbookVerdict | null = null;
    return { verdict: () => verdict ??= checkOrderbook(path, tick), stop: () => {} };
  }
  const shared = new SharedArrayBuffer(HEADER + ERROR_BYTES);
  const state = new Int32Array(shared, 0, 4);
  const worker = new Worker(workerUrl, { type: "module" });
  // The worker writes a verdict whatever happens; its error event could not reach a thread
  // that waits for that verdict anyway.
  worker.onerror = (e) => e.preventDefault();
  worker.postMessage({ kind: "orderbook-check", path, tick, shared } satisfies CheckJob);
  return {
    verdict() {
      // A worker that could not start (its error event cannot reach this waiting thread): the
      // check is made here instead, with the same verdict.
      if (Atomics.wait(state, 3, 0, START_MS) === "timed-out" && Atomics.load(state, 3) === 0) {
        worker.terminate();
        return checkOrderbook(path, tick);
      }
      while (Atomics.load(state, 0) === 0) Atomics.wait(state, 0, 0);
      const length = state[2];
      return {
        rows: state[1],
        error: length < 0
          ? null
          : new TextDecoder().decode(new Uint8Array(shared, HEADER, length).slice()),
      };
    },
    stop: () => worker.terminate(),
  };
}

/** The worker's side: checks the file it is sent and writes the verdict where the sender waits. */
export function orderbookCheckHandler(): MessageHandler {
  return (data) => {
    const job = data as CheckJob;
    const state = new Int32Array(job.shared, 0, 4);
    Atomics.store(state, 3, 1);
    Atomics.notify(state, 3);
    let verdict: OrderbookVerdict;
    try {
      verdict = checkOrderbook(job.path, job.tick);
    } catch (e) {
      verdict = { rows: 0, error: `cannot check (${(e as Error).message})` };
    }
    state[1] = verdict.rows;
    if (verdict.error === null) state[2] = -1;
    else {
      const bytes = new TextEncoder().encode(verdict.error).subarray(0, ERROR_BYTES);
      new Uint8Array(job.shared, HEADER, ERROR_BYTES).set(bytes);
      state[2] = bytes.length;
    }
    Atomics.store(state, 0, 1);
    Atomics.notify(state, 0);
  };
}
