import type { LogReader } from "../format/log_reader.ts";
import { baseName, EVENT_COLUMNS, typeName } from "./rows.ts";
import type { ExportSession } from "./sessions.ts";
import { TextFile } from "./text_file.ts";
import { OrderColumns } from "./order_columns.ts";

/** RFC 4180 quoting, for the one free-text field (a symbol given for a single file). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV file per session: a header line, then one line per event. */
export function writeCsv(reader: LogReader, session: ExportSession, dir: string): string[] {
  const orders = new OrderColumns(reader, session);
  const out = new TextFile(`${dir}/${baseName(session.symbol, session.date)}.csv`);
  try {
    out.line(EVENT_COLUMNS.join(","));
    const prefix = `${csvField(session.symbol)},${session.date},`;
    reader.forEach((r) => {
      orders.next(r);
      out.line(
        `${prefix}${r.tsNs},${r.type},${
          typeName(r.type)
        },${r.side},${r.priceTicks},${r.qty},${r.orderId},${orders.ref},${orders.shares}`,
      );
    });
  } finally {
    out.close();
  }
  return [out.path];
}
