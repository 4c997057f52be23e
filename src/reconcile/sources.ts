import { pathInside } from "../core/safe_read.ts";
import type { EventRecord } from "../core/events.ts";
import { SessionLog } from "../format/input.ts";
import { readManifest } from "../format/manifest.ts";
import { UNNAMED_KEY } from "../kafka/message.ts";
import type { KafkaSettings } from "../kafka/settings.ts";
import type { ClickHouse } from "../platform/client.ts";
import { consumeTopic } from "../consume/consumer.ts";
import { StopFlag } from "../run/stop.ts";
import { eventHash, rowHashAliases } from "./row_hash.ts";
import { addHash, groupKey, IdTally, newTally } from "./tally.ts";
import type { Tally } from "./tally.ts";

/** One session of the run: its (symbol, date), its file, and its events as the file has them. */
export interface FileGroup {
  symbol: string;
  date: string;
  file: string;
  tally: Tally;
  /** Why the file could not be read whole (damaged, cut short), with the byte offset. */
  damage: string | null;
}

/** Calls `fn` with each record of a session file's sound chunks; the damage after them, or null. */
function eachRecord(path: string, fn: (r: EventRecord) => void): string | null {
  const log = SessionLog.open(path);
  try {
    log.forEach(fn);
    return log.damage?.detail ?? null;
  } finally {
    log.close();
  }
}

/** Every session of the run directory, as its manifest lists them, tallied from its file. */
export function fileGroups(runDir: string): FileGroup[] {
  const manifest = readManifest(runDir);
  const out: FileGroup[] = [];
  for (const s of manifest.securities) {
    for (const session of s.sessions) {
      const path = pathInside(runDir, session.file, `${runDir}/manifest.json: ${session.file}`);
      const tally = newTally();
      const damage = eachRecord(path, (r) => addHash(tally, eventHash(r)));
      out.push({
        symbol: s.symbol ?? UNNAMED_KEY,
        date: session.date,
        file: session.file,
        tally,
        damage: damage && `${path}: ${damage}`,
      });
    }
  }
  return out;
}

/** A session file's events by order id. */
export function fileIds(runDir: string, file: string): IdTally {
  const ids = new IdTally();
  eachRecord(`${runDir}/${file}`, (r) => ids.add(r.orderId, eventHash(r)));
  return ids;
}

/** What the topic holds: tallies of the run's groups, by order id for `detailed` ones. */
export interface TopicScan {
  tallies: Map<string, Tally>;
  ids: Map<string, IdTally>;
  /** Events of (symbol, date)s that are not the run's (another run's, or without a date). */
  others: number;
}

/**
 * Reads the topic from its first offsets to its ends as they are when the scan starts, with a
 * consumer group of its own (no offsets committed). Events are grouped by key and `date` header.
 */
export async function scanTopic(
  settings: KafkaSettings,
  wanted: Set<string>,
  detailed: Set<string> = new Set(),
): Promise<TopicScan> {
  const scan: TopicScan = { tallies: new Map(), ids: new Map(), others: 0 };
  for (const key of wanted) scan.tallies.set(key, newTally());
  for (const key of detailed) scan.ids.set(key, new IdTally());
  await consumeTopic(settings, {
    start: { kind: "beginning" },
    toEnd: true,
    stop: new StopFlag(),
    onEvent: (e) => {
      const key = groupKey(e.key ?? "", e.date ?? "");
      const tally = scan.tallies.get(key);
      if (!tally) {
        scan.others++;
        return;
      }
      const h = eventHash(e);
      addHash(tally, h);
      scan.ids.get(key)?.add(e.orderId, h);
    },
  });
  return scan;
}

const sqlText = (s: string) => `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;

/** The table's tallies of the run's (symbol, date)s, computed by ClickHouse. */
export async function tableTallies(
  ch: ClickHouse,
  groups: { symbol: string; date: string }[],
): Promise<Map<string, Tally>> {
  const out = new Map<string, Tally>();
  for (const g of groups) out.set(groupKey(g.symbol, g.date), newTally());
  if (groups.length === 0) return out;
  const symbols = [...new Set(groups.map((g) => g.symbol))].map(sqlText).join(", ");
  const dates = [...new Set(groups.map((g) => g.date))].map((d) => `toDate(${sqlText(d)})`);
  const rows = await ch.rows<{ symbol: string; day: string; n: string; s: string; x: string }>(
    `WITH ${rowHashAliases()}
     SELECT symbol, toString(date) AS day, toString(count()) AS n,
            toString(bitAnd(sum(row_hash), 4294967295)) AS s, toString(groupBitXor(row_hash)) AS x
     FROM exchange_events
     WHERE symbol IN (${symbols}) AND date IN (${dates.join(", ")})
     GROUP BY symbol, date`,
  );
  for (const r of rows) {
    const t = out.get(groupKey(r.symbol, r.day));
    if (t) Object.assign(t, { events: Number(r.n), sum: Number(r.s), xor: Number(r.x) });
  }
  return out;
}

/** The table's events of one (symbol, date), by order id. */
export async function tableIds(ch: ClickHouse, symbol: string, date: string): Promise<IdTally> {
  const rows = await ch.rows<{ id: string; n: string; x: string }>(
    `WITH ${rowHashAliases()}
     SELECT toString(order_id) AS id, toString(count()) AS n, toString(groupBitXor(row_hash)) AS x
     FROM exchange_events WHERE symbol = ${sqlText(symbol)} AND date = toDate(${sqlText(date)})
     GROUP BY order_id`,
  );
  const ids = new IdTally();
  for (const r of rows) {
    ids.counts.set(Number(r.id), Number(r.n));
    ids.xors.set(Number(r.id), Number(r.x));
  }
  return ids;
}
