import { LogReader } from "../format/log_reader.ts";
import { RealismAccumulator } from "./realism_stats.ts";
import type { RealismStats } from "./realism_stats.ts";
import { chunksOf, replayObservations } from "./replay.ts";

/** The realism figures of `.qrsdp` files, each file one period (its session). */
export function qrsdpRealism(files: string[], levels: number | null): RealismStats {
  let acc: RealismAccumulator | null = null;
  for (const path of files) {
    const reader = LogReader.open(path);
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
