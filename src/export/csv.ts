import type { LogReader } from "../format/log_reader.ts";
import { MarketClock } from "./market_time.ts";
import { baseName, fileColumns, priceText, sessionDir, typeName } from "./rows.ts";
import type { ExportLayout } from "./rows.ts";
import type { ExportSession } from "./sessions.ts";
import { TextFile } from "./text_file.ts";

/** RFC 4180 quoting, for the one free-text field (a symbol given for a single file). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV file per session: a header line, then one line per event. */
export function writeCsv(
  reader: LogReader,
  session: ExportSession,
  dir: string,
  layout: ExportLayout,
): string[] {
  const out = new TextFile(
    `${sessionDir(dir, session, layout)}/${baseName(session.symbol, session.date)}.csv`,
  );
  const clock = new MarketClock(session.date, layout.tz);
  const tick = reader.header.tickSize;
  const lot = layout.lotSize;
  try {
    out.line(fileColumns(layout).join(","));
    const prefix = layout.hive ? "" : `${csvField(session.symbol)},${session.date},`;
    reader.forEach((r) =>
      out.line(
        `${prefix}${clock.iso(r.tsNs)},${r.tsNs},${r.type},${typeName(r.type)},${r.side},${
          priceText(r.priceTicks * tick)
        },${r.priceTicks},${r.qty},${r.qty * lot},${r.orderId}`,
      )
    );
  } finally {
    out.close();
  }
  return [out.path];
}
