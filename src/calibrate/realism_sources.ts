import { SessionLog } from "../format/input.ts";
import { inferItchTick, readItch } from "./itch_source.ts";
import { LevelView } from "./level_view.ts";
import type { LevelBook, ObservationSink } from "./observations.ts";
import { inferTick, readLobster } from "./lobster_source.ts";
import type { LobsterPair } from "./lobster_source.ts";
import { unitsOf } from "./real_calibrate.ts";
import type { QueueUnit } from "./real_calibrate.ts";
import { RealismAccumulator } from "./realism_stats.ts";
import type { RealismStats } from "./realism_stats.ts";
import { chunksOf, replayObservations } from "./replay.ts";

/** The realism figures of `.qrsdp` files, each file one period (its session). */
export function qrsdpRealism(files: string[], levels: number | null): RealismStats {
  let acc: RealismAccumulator | null = null;
  for (const path of files) {
    const reader = SessionLog.open(path);
    try {
      const a = acc ??= new RealismAccumulator(levels ?? (reader.header.levelsPerSide || 5));
      replayObservations(
        reader.header,
        chunksOf(reader),
        { compat: false, censored: false, onPriceMismatch: () => {} },
        (book) => a.attach(book),
      );
    } finally {
      reader.close();
    }
  }
  return (acc ?? new RealismAccumulator(levels ?? 5)).stats();
}

export interface RealSourceOptions {
  levels: number;
  unit: QueueUnit;
  lot: number;
  tick: number | null;
}

/** Other consumers of a real source's observations, given the book they are made on. */
export type MoreSinks = (book: LevelBook) => ObservationSink[];

/**
 * The realism figures of LOBSTER days, queue sizes in the model's units (as calibrate); `more`
 * sinks observe the same pass.
 */
export async function lobsterRealism(
  pairs: LobsterPair[],
  o: RealSourceOptions,
  more: MoreSinks = () => [],
): Promise<RealismStats> {
  const tick = o.tick ?? inferTick(pairs[0].message);
  const readAll = (view: LevelView) => {
    let last = null;
    for (const pair of pairs) last = readLobster(pair, tick, view);
    return last!;
  };
  const unit = await unitsOf(o, readAll);
  const acc = new RealismAccumulator(o.levels);
  const sinks: ObservationSink[] = [acc];
  const view = new LevelView(o.levels, unit, sinks);
  acc.attach(view);
  sinks.push(...more(view));
  readAll(view);
  return acc.stats();
}

/** The realism figures of one security of an ITCH 5.0 file, in the model's units (`more` as for LOBSTER). */
export async function itchRealism(
  path: string,
  symbol: string,
  o: RealSourceOptions,
  more: MoreSinks = () => [],
): Promise<RealismStats> {
  const tick = o.tick ?? await inferItchTick(path);
  const readAll = async (view: LevelView) =>
    (await readItch(path, tick, new Map([[symbol, view]]))).get(symbol)!;
  const unit = await unitsOf(o, readAll);
  const acc = new RealismAccumulator(o.levels);
  const sinks: ObservationSink[] = [acc];
  const view = new LevelView(o.levels, unit, sinks);
  acc.attach(view);
  sinks.push(...more(view));
  await readAll(view);
  return acc.stats();
}
