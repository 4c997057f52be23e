import type { SessionLog } from "../format/input.ts";
import { MarketClock } from "./market_time.ts";
import { fileColumns, priceText, sessionFileName, typeName } from "./rows.ts";
import type { ExportLayout } from "./rows.ts";
import type { ExportSession } from "./sessions.ts";
import type { SessionFiles } from "./output_files.ts";
import { OrderColumns } from "./order_columns.ts";

/** RFC 4180 quoting, for the one free-text field (a symbol given for a single file). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV file per session: a header line, then one line per event. */
export function writeCsv(
  log: SessionLog,
  session: ExportSession,
  files: SessionFiles,
  layout: ExportLayout,
): void {
  const orders = new OrderColumns(log, session);
  const out = files.text(sessionFileName(files.dir, session, layout, "csv"));
  const clock = new MarketClock(session.date, layout.tz);
  const tick = log.header.tickSize;
  const lot = layout.lotSize;
  out.line(fileColumns(layout).join(","));
  const prefix = layout.hive ? "" : `${csvField(session.symbol)},${session.date},`;
  log.forEach((r) => {
    orders.next(r);
    out.line(
      `${prefix}${clock.iso(r.tsNs)},${r.tsNs},${r.type},${typeName(r.type)},${r.side},${
        priceText(r.priceTicks * tick)
      },${r.priceTicks},${r.qty},${orders.lots(r) * lot},${r.orderId},${orders.ref}`,
    );
  });
}
