import { readManifest } from "../format/manifest.ts";
import { QrsdpReader } from "../format/reader.ts";
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
      s.sessions.map((x) => ({ symbol: s.symbol, date: x.date, file: x.file, dir: path }))
    );
  }
  const slash = path.lastIndexOf("/");
  const name = path.slice(slash + 1);
  const date = /^(\d{4}-\d{2}-\d{2})\.qrsdp$/.exec(name)?.[1] ?? "";
  return [[{ symbol, date, file: name, dir: slash < 0 ? "." : path.slice(0, slash) }]];
}

/**
 * Publishes one security's recorded sessions to `sink` in order, as fast as the sink takes them
 * or paced to their timestamps. Returns the number of events sent.
 */
export async function replaySecurity(
  sessions: ReplaySession[],
  sink: EventSink,
  stop: StopFlag,
  opts: PacingSettings,
): Promise<number> {
  let sent = 0;
  const rec = newRecord();
  for (const [day, s] of sessions.entries()) {
    if (stop.requested) break;
    if (day > 0 && opts.realtime) await sleepUnlessStopped(opts.overnightSeconds * 1000, stop);
    const reader = QrsdpReader.open(`${s.dir}/${s.file}`);
    if (reader.damage) {
      console.error(`qrsdp replay: ${reader.source}: ${reader.damage}; replaying what precedes it`);
    }
    const pacer = opts.realtime ? new Pacer(opts.speed, reader.header.marketOpenNs, stop) : null;
    await sink.beginSession({
      symbol: s.symbol,
      date: s.date,
      header: reader.header,
      file: s.file,
    });
    pacer?.startSession();
    chunks: for (let i = 0; i < reader.chunks.length; i++) {
      const raw = reader.chunkRecords(i);
      const view = new DataView(raw.buffer);
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
        sent++;
      }
    }
    await sink.endSession();
  }
  return sent;
}
