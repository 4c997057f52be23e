import { readManifest } from "../format/manifest.ts";
import { QrsdpReader } from "../format/reader.ts";
import { ChunkVerifier } from "../format/verify.ts";
import { DataError } from "../core/errors.ts";
import { pathInside } from "../core/safe_read.ts";
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
  const rec = newRecord();
  for (const [day, s] of sessions.entries()) {
    if (stop.requested) break;
    if (day > 0 && opts.realtime) await sleepUnlessStopped(opts.overnightSeconds * 1000, stop);
    let reader: QrsdpReader;
    try {
      reader = QrsdpReader.open(`${s.dir}/${s.file}`);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      result.problems.push(e.message);
      continue;
    }
    const pacer = opts.realtime ? new Pacer(opts.speed, reader.header.marketOpenNs, stop) : null;
    await sink.beginSession({
      symbol: s.symbol,
      date: s.date,
      header: reader.header,
      file: s.file,
    });
    pacer?.startSession();
    const verifier = new ChunkVerifier(reader);
    let problem = reader.damage;
    chunks: for (let i = 0; i < reader.chunks.length; i++) {
      const raw = verifier.chunk(i);
      if (typeof raw === "string") {
        problem = raw;
        break;
      }
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let o = 0; o < raw.length; o += RECORD_SIZE) {
        decodeRecord(view, o, rec);
        const due = pacer?.wait(rec.tsNs);
        if (due) {
          await sink.flush();
          await due;
        }
        if (stop.requested) break chunks;
        const pending = sink.append(rec);
        if (pending) await pending;
        result.sent++;
      }
    }
    await sink.endSession();
    if (problem) result.problems.push(`${reader.source}: ${problem}`);
  }
  return result;
}
