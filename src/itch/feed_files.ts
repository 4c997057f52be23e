import { UsageError } from "../core/errors.ts";
import type { FileHeader } from "../format/header.ts";
import { SessionLog } from "../format/input.ts";
import { Pacer } from "../run/pacer.ts";
import type { StopFlag } from "../run/stop.ts";
import { FeedDay, feedProblem } from "./feed_day.ts";
import type { SizeDistribution } from "../model/order_sizes.ts";
import type { FeedSecurity } from "./feed_day.ts";
import type { FeedOutput } from "./feed_output.ts";
import type { FeedPlanDay } from "./feed_plan.ts";
import { ItchBuffer } from "./messages.ts";
import { RecordCursor } from "./record_cursor.ts";
import { RecordMerge } from "./record_merge.ts";
import { FeedWindows } from "./feed_window.ts";

export interface FeedOptions {
  /** Shares per order (`--lot-size`). */
  lot: number;
  /** The run's order sizes (--sizes, from its manifest): each order's lots. */
  sizes?: SizeDistribution | null;
  /** Pace messages to their events' times at `speed` simulated seconds per wall second. */
  realtime: boolean;
  speed: number;
  stop: StopFlag;
  /** Hand messages on in batches of about this many bytes when not paced. */
  batchBytes?: number;
  /** Record the lateness of every paced release (benchmarks). */
  recordLateness?: boolean;
  /** A damaged input file: its sound chunks before the damage are used, and this says so. */
  onWarning?(message: string): void;
  /** Check every chunk's checksum (default true; false is `--no-verify`). */
  verify?: boolean;
}

export interface FeedStats {
  days: number;
  records: number;
  messages: number;
  bytes: number;
  stopped: boolean;
  /** Milliseconds each paced release came after its due time, when recorded. */
  lateness: number[];
  /** Input files that were damaged (file: byte offset: what), as reported to `onWarning`. */
  damaged: string[];
}

/** Messages are handed on in batches of about this many bytes when not paced. */
const BATCH_BYTES = 1 << 18;
const STOP_CHECK_MASK = 1023;
/**
 * From this many securities a day is made in time windows (FeedWindows): about where their order
 * images stop fitting in the processor's cache. Below it the windows' extra copy costs more than
 * it saves (100 securities: 25% more CPU), above it they save (1,000: 10-40% less; 8,000: half).
 */
const WINDOWS_FROM = 256;

function readHeader(path: string): FileHeader {
  const log = SessionLog.open(path);
  log.close();
  return log.header;
}

/**
 * Feeds records until `out` holds `batchBytes`: true then, false once the records are all fed
 * or a stop is asked for. The loop of a conversion, apart from the async code around it so that
 * its optimised code is kept from day to day.
 */
function feedBatch(
  merge: RecordMerge,
  feed: FeedDay,
  out: ItchBuffer,
  batchBytes: number,
  stop: StopFlag,
): boolean {
  while (out.length < batchBytes) {
    if (!merge.next()) return false;
    if ((feed.records & STOP_CHECK_MASK) === 0 && stop.requested) return false;
    feed.apply(merge.security, merge.rec);
  }
  return true;
}

/**
 * Checks every session of the plan can go on the feed (symbols, opening prices) before
 * anything is written; returns each day's securities.
 */
export function checkPlan(plan: FeedPlanDay[]): FeedSecurity[][] {
  return plan.map((day) => {
    const securities = day.sessions.map((s) => ({ symbol: s.symbol, header: readHeader(s.path) }));
    const problem = feedProblem(securities);
    if (problem) throw new UsageError(`${day.sessions[0].path}: ${problem}`);
    return securities;
  });
}

/**
 * Turns recorded sessions into the ITCH feed, day by day: every security of a day merged by
 * `ts_ns` (ties: security order, then file order), as fast as `output` takes it or paced.
 */
export async function feedFromFiles(
  plan: FeedPlanDay[],
  output: FeedOutput,
  opts: FeedOptions,
  checked = checkPlan(plan),
): Promise<FeedStats> {
  const stats: FeedStats = {
    days: 0,
    records: 0,
    messages: 0,
    bytes: 0,
    stopped: false,
    lateness: [],
    damaged: [],
  };
  const batchBytes = opts.batchBytes ?? BATCH_BYTES;
  const out = new ItchBuffer(batchBytes + 4096);
  // Where the order images write when a day is made in windows.
  const scratch = new ItchBuffer(batchBytes + 4096);
  const flush = async (due?: number) => {
    if (out.length === 0) return;
    stats.messages += out.messages;
    stats.bytes += out.length;
    const pending = output.write(out.data, out.messages, due);
    if (pending) await pending;
    out.clear();
  };
  for (const [d, day] of plan.entries()) {
    if (opts.stop.requested) break;
    const cursors = day.sessions.map((s) =>
      new RecordCursor(SessionLog.open(s.path, { verify: opts.verify }), (log) => {
        if (log.damage) {
          stats.damaged.push(log.damage.message);
          opts.onWarning?.(`${log.damage.message}; used what precedes it`);
        }
      })
    );
    const windowed = !opts.realtime && cursors.length >= WINDOWS_FROM;
    const feed = new FeedDay(checked[d], opts.lot, windowed ? scratch : out, opts.sizes);
    const pacer = opts.realtime
      ? new Pacer(opts.speed, feed.openNs, opts.stop, opts.recordLateness)
      : null;
    try {
      await output.beginDay(day.date);
      const windows = windowed ? new FeedWindows(feed, scratch, cursors, out) : null;
      pacer?.startSession();
      if (windows) windows.open();
      else feed.open();
      await flush(pacer ? performance.now() : undefined);
      if (pacer) {
        const merge = new RecordMerge(cursors);
        while (merge.next()) {
          const due = pacer.wait(merge.rec.tsNs);
          if (due) {
            await flush();
            await output.idle?.();
            await due;
          }
          if (opts.stop.requested) break;
          feed.apply(merge.security, merge.rec);
          await flush(pacer.dueMs(merge.rec.tsNs));
        }
      } else if (windows) {
        while (windows.fill(batchBytes, opts.stop)) await flush();
      } else {
        const merge = new RecordMerge(cursors);
        while (feedBatch(merge, feed, out, batchBytes, opts.stop)) await flush();
      }
      stats.records += windows ? windows.records : feed.records;
      if (opts.stop.requested) {
        stats.stopped = true;
        await output.abort();
        break;
      }
      if (pacer) {
        await flush();
        await output.idle?.();
        await pacer.wait(feed.closeNs);
      }
      if (windows) windows.close();
      else feed.close();
      await flush(pacer ? pacer.dueMs(feed.closeNs) : undefined);
      await output.endDay();
      stats.days++;
    } catch (e) {
      await output.abort();
      throw e;
    } finally {
      for (const c of cursors) c.close();
      if (pacer?.lateness) stats.lateness.push(...pacer.lateness);
    }
  }
  return stats;
}
