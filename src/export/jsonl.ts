import type { SessionLog } from "../format/input.ts";
import { MarketClock } from "./market_time.ts";
import { priceText, sessionFileName, typeName } from "./rows.ts";
import type { ExportLayout } from "./rows.ts";
import type { ExportSession } from "./sessions.ts";
import type { SessionFiles } from "./output_files.ts";
import { OrderColumns } from "./order_columns.ts";

/**
 * One JSON Lines file per session: one object per event, keys as the CSV columns; `ts` is an
 * ISO 8601 string and `price` a number with four decimals, exact as written.
 */
export function writeJsonl(
  log: SessionLog,
  session: ExportSession,
  files: SessionFiles,
  layout: ExportLayout,
): void {
  const orders = new OrderColumns(log, session);
  const out = files.text(sessionFileName(files.dir, session, layout, "jsonl"));
  const clock = new MarketClock(session.date, layout.tz);
  const tick = log.header.tickSize;
  const lot = layout.lotSize;
  const prefix = layout.hive
    ? "{"
    : `{"symbol":${JSON.stringify(session.symbol)},"date":"${session.date}",`;
  log.forEach((r) => {
    orders.next(r);
    out.line(
      `${prefix}"ts":"${clock.iso(r.tsNs)}","ts_ns":${r.tsNs},"type":${r.type},"type_name":"${
        typeName(r.type)
      }","side":${r.side},"price":${
        priceText(r.priceTicks * tick)
      },"price_ticks":${r.priceTicks},"qty":${r.qty},"shares":${
        orders.lots(r) * lot
      },"order_id":${r.orderId},"order_ref":${orders.ref}}`,
    );
  });
}
