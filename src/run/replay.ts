import { ChunkVerifier } from "../format/verify.ts";
import { DataError } from "../core/errors.ts";
import { pathInside } from "../core/safe_read.ts";
import { readManifest } from "../format/manifest.ts";
import { LogReader } from "../format/log_reader.ts";
import { newRecord } from "../core/events.ts";
import { decodeRecord, RECORD_SIZE } from "../format/record.ts";
import type { EventSink } from "../sinks/sink.ts";
import { Pacer } from "./pacer.ts";
import type { PacingSettings } from "./pacer.ts";
import { sleepUnlessStopped } from "./stop.ts";
import type { StopFlag } from "./stop.ts";

export interface ReplaySession {
  symbol: string | null;
  date: string;
  /** Path relative to `dir`. */
  file: string;
  dir: string;
}

/** The sessions of a run directory (per security, in date order) or of one file. */
export function replayPlan(
  path: string,
  isDirectory: boolean,
  symbol: string | null,
): ReplaySession[][] {
  if (isDirectory) {
    return readManifest(path).securities.map((s) =>
      s.sessions.map((x) => {
        pathInside(path, x.file, `${path}/manifest.json: ${x.file}`);
        return { symbol: s.symbol, date: x.date, file: x.file, dir: path };
      })
    );
  }
  const slash = path.lastIndexOf("/");
  const name = path.slice(slash + 1);
  const date = /^(\d{4}-\d{2}-\d{2})\.qrsdp$/.exec(name)?.[1] ?? "";
  return [[{ symbol, date, file: name, dir: slash < 0 ? "." : path.slice(0, slash) }]];
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
  sessions: ReplaySession[],
  sink: EventSink,
  stop: StopFlag,
  opts: PacingSettings,
): Promise<ReplayResult> {
  const result: ReplayResult = { sent: 0, problems: [] };
  for (const [day, s] of sessions.entries()) {
    if (stop.requested) break;
    if (day > 0 && opts.realtime) await sleepUnlessStopped(opts.overnightSeconds * 1000, stop);
    let reader: LogReader;
    try {
      reader = LogReader.open(`${s.dir}/${s.file}`);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      result.problems.push(e.message);
      continue;
    }
    try {
      const [sent, problem] = await replaySession(reader, s, sink, stop, opts);
      result.sent += sent;
      if (problem) result.problems.push(`${reader.name}: ${problem}`);
    } finally {
      reader.close();
    }
  }
  return result;
}

async function replaySession(
  reader: LogReader,
  s: ReplaySession,
  sink: EventSink,
  stop: StopFlag,
  opts: PacingSettings,
): Promise<[number, string | null]> {
  let sent = 0;
  const rec = newRecord();
  const pacer = opts.realtime ? new Pacer(opts.speed, reader.header.marketOpenNs, stop) : null;
  await sink.beginSession({ symbol: s.symbol, date: s.date, header: reader.header, file: s.file });
  pacer?.startSession();
  const verifier = new ChunkVerifier(reader, [0, 0, 0, 0, 0, 0]);
  let problem: string | null = null;
  chunks: for (let c = reader.next(); c; c = reader.next()) {
    problem = verifier.check();
    if (problem) break;
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
  return [sent, problem ?? reader.damage];
}
