import type { SessionLog } from "../format/input.ts";
import { baseName, EVENT_COLUMNS, typeName } from "./rows.ts";
import type { ExportSession } from "./sessions.ts";
import type { SessionFiles } from "./output_files.ts";
import { OrderColumns } from "./order_columns.ts";

/** RFC 4180 quoting, for the one free-text field (a symbol given for a single file). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV file per session: a header line, then one line per event. */
export function writeCsv(log: SessionLog, session: ExportSession, files: SessionFiles): void {
  const orders = new OrderColumns(log, session);
  const out = files.text(`${baseName(session.symbol, session.date)}.csv`);
  out.line(EVENT_COLUMNS.join(","));
  const prefix = `${csvField(session.symbol)},${session.date},`;
  log.forEach((r) => {
    orders.next(r);
    out.line(
      `${prefix}${r.tsNs},${r.type},${
        typeName(r.type)
      },${r.side},${r.priceTicks},${r.qty},${r.orderId},${orders.ref},${orders.shares}`,
    );
  });
}
