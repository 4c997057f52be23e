import type { KafkaSettings } from "../kafka/settings.ts";
import type { ClickHouse } from "../platform/client.ts";
import { fileGroups, fileIds, scanTopic, tableIds, tableTallies } from "./sources.ts";
import type { FileGroup } from "./sources.ts";
import { groupKey, idDifferences, sameTally } from "./tally.ts";
import type { IdDifferences, Tally } from "./tally.ts";

export type Place = "topic" | "clickhouse";

/** One (symbol, date) of the run: its events in the files, and in each place asked about. */
export interface GroupReport {
  symbol: string;
  date: string;
  files: Tally;
  /** The file could not be read whole: the rest of its events are not in `files`. */
  damage: string | null;
  places: Partial<Record<Place, Tally>>;
  /** For each place that disagrees with the files, the order ids that differ. */
  differences: Partial<Record<Place, IdDifferences>>;
}

export interface ReconcileReport {
  groups: GroupReport[];
  /** Events in the topic of (symbol, date)s that are not the run's. */
  topicOthers: number | null;
  ok: boolean;
}

export interface ReconcileOptions {
  kafka?: KafkaSettings;
  clickhouse?: ClickHouse;
}

/**
 * Compares the run's files with the topic and/or the table, per (symbol, date): count, sum and
 * XOR of the events' hashes. Where a place disagrees, its events of that (symbol, date) are read
 * again by order id, and the ids missing, duplicated, changed or extra are named.
 */
export async function reconcile(runDir: string, opts: ReconcileOptions): Promise<ReconcileReport> {
  const files = fileGroups(runDir);
  const keys = new Set(files.map((g) => groupKey(g.symbol, g.date)));
  const groups: GroupReport[] = files.map((g) => ({
    symbol: g.symbol,
    date: g.date,
    files: g.tally,
    damage: g.damage,
    places: {},
    differences: {},
  }));
  const bad = (place: Place) =>
    groups.filter((g) => g.damage !== null || !sameTally(g.files, g.places[place]!));
  let topicOthers: number | null = null;
  if (opts.kafka) {
    const scan = await scanTopic(opts.kafka, keys);
    topicOthers = scan.others;
    groups.forEach((g) => g.places.topic = scan.tallies.get(groupKey(g.symbol, g.date))!);
    const wrong = bad("topic");
    if (wrong.length > 0) {
      const detailed = await scanTopic(
        opts.kafka,
        keys,
        new Set(wrong.map((g) => groupKey(g.symbol, g.date))),
      );
      for (const g of wrong) {
        const ids = detailed.ids.get(groupKey(g.symbol, g.date))!;
        g.differences.topic = idDifferences(fileIds(runDir, fileOf(files, g)), ids);
      }
    }
  }
  if (opts.clickhouse) {
    const ch = opts.clickhouse;
    const tallies = await tableTallies(ch, groups);
    groups.forEach((g) => g.places.clickhouse = tallies.get(groupKey(g.symbol, g.date))!);
    for (const g of bad("clickhouse")) {
      const ids = await tableIds(ch, g.symbol, g.date);
      g.differences.clickhouse = idDifferences(fileIds(runDir, fileOf(files, g)), ids);
    }
  }
  const ok = groups.every((g) =>
    g.damage === null && Object.values(g.places).every((t) => sameTally(g.files, t))
  );
  return { groups, topicOthers, ok };
}

const fileOf = (files: FileGroup[], g: GroupReport) =>
  files.find((f) => f.symbol === g.symbol && f.date === g.date)!.file;
