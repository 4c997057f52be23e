import { DataError } from "../core/errors.ts";
import { fileInput, readRun, SessionLog, sessionPath } from "../format/input.ts";
import type { InputSession } from "../format/input.ts";
import { newRecord } from "../core/events.ts";
import { decodeRecord, RECORD_SIZE } from "../format/record.ts";
import type { EventSink } from "../sinks/sink.ts";
import { Pacer } from "./pacer.ts";
import type { PacingSettings } from "./pacer.ts";
import { sleepUnlessStopped } from "./stop.ts";
import type { StopFlag } from "./stop.ts";

/** The sessions of a run directory (per security, in date order, paths checked) or of one file. */
export function replayPlan(
  path: string,
  isDirectory: boolean,
  symbol: string | null,
): InputSession[][] {
  if (!isDirectory) return [[{ ...fileInput(path), symbol }]];
  const run = readRun(path);
  return run.securities.map((s) =>
    run.sessions.filter((x) => x.symbol === s.symbol).map((x) => {
      sessionPath(x);
      return x;
    })
  );
}

export interface ReplayResult {
  sent: number;
  /** Every file's damage, as `info` reports it (file: byte offset: what), in the order met. */
  problems: string[];
}

/**
 * Publishes one security's recorded sessions to `sink` in order, as fast as the sink takes them
 * or paced to their timestamps. Each chunk is checked as `info` checks it (checksum, size,
 * records) before any of its events is sent; a file is replayed up to its first damage, which is
 * reported, and the next file follows.
 */
export async function replaySecurity(
  sessions: InputSession[],
  sink: EventSink,
  stop: StopFlag,
  opts: PacingSettings,
): Promise<ReplayResult> {
  const result: ReplayResult = { sent: 0, problems: [] };
  for (const [day, s] of sessions.entries()) {
    if (stop.requested) break;
    if (day > 0 && opts.realtime) await sleepUnlessStopped(opts.overnightSeconds * 1000, stop);
    let reader: SessionLog;
    try {
      reader = SessionLog.openSession(s);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      result.problems.push(e.message);
      continue;
    }
    try {
      const [sent, problem] = await replaySession(reader, s, sink, stop, opts);
      result.sent += sent;
      if (problem) result.problems.push(problem);
    } finally {
      reader.close();
    }
  }
  return result;
}

async function replaySession(
  reader: SessionLog,
  s: InputSession,
  sink: EventSink,
  stop: StopFlag,
  opts: PacingSettings,
): Promise<[number, string | null]> {
  let sent = 0;
  const rec = newRecord();
  const pacer = opts.realtime ? new Pacer(opts.speed, reader.header.marketOpenNs, stop) : null;
  await sink.beginSession({ symbol: s.symbol, date: s.date!, header: reader.header, file: s.file });
  pacer?.startSession();
  chunks: for (let c = reader.next(); c; c = reader.next()) {
    const size = c.recordCount * RECORD_SIZE;
    const view = reader.view;
    for (let o = 0; o < size; o += RECORD_SIZE) {
      decodeRecord(view, o, rec);
      const due = pacer?.wait(rec.tsNs);
      if (due) {
        await sink.flush();
        await due;
      }
      if (stop.requested) break chunks;
      const pending = sink.append(rec);
      if (pending) await pending;
      sent++;
    }
  }
  await sink.endSession();
  return [sent, reader.damage?.message ?? null];
}
