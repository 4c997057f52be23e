import type { LogReader } from "../format/log_reader.ts";
import { MarketClock } from "./market_time.ts";
import { baseName, priceText, sessionDir, typeName } from "./rows.ts";
import type { ExportLayout } from "./rows.ts";
import type { ExportSession } from "./sessions.ts";
import { TextFile } from "./text_file.ts";

/**
 * One JSON Lines file per session: one object per event, keys as the CSV columns; `ts` is an
 * ISO 8601 string and `price` a number with four decimals, exact as written.
 */
export function writeJsonl(
  reader: LogReader,
  session: ExportSession,
  dir: string,
  layout: ExportLayout,
): string[] {
  const out = new TextFile(
    `${sessionDir(dir, session, layout)}/${baseName(session.symbol, session.date)}.jsonl`,
  );
  const clock = new MarketClock(session.date, layout.tz);
  const tick = reader.header.tickSize;
  const lot = layout.lotSize;
  try {
    const prefix = layout.hive
      ? "{"
      : `{"symbol":${JSON.stringify(session.symbol)},"date":"${session.date}",`;
    reader.forEach((r) =>
      out.line(
        `${prefix}"ts":"${clock.iso(r.tsNs)}","ts_ns":${r.tsNs},"type":${r.type},"type_name":"${
          typeName(r.type)
        }","side":${r.side},"price":${
          priceText(r.priceTicks * tick)
        },"price_ticks":${r.priceTicks},"qty":${r.qty},"shares":${
          r.qty * lot
        },"order_id":${r.orderId}}`,
      )
    );
  } finally {
    out.close();
  }
  return [out.path];
}
