import type { LogReader } from "../format/log_reader.ts";
import { baseName, typeName } from "./rows.ts";
import type { ExportSession } from "./sessions.ts";
import { TextFile } from "./text_file.ts";
import { OrderColumns } from "./order_columns.ts";

/** One JSON Lines file per session: one object per event, keys as the CSV columns. */
export function writeJsonl(reader: LogReader, session: ExportSession, dir: string): string[] {
  const orders = new OrderColumns(reader, session);
  const out = new TextFile(`${dir}/${baseName(session.symbol, session.date)}.jsonl`);
  try {
    const prefix = `{"symbol":${JSON.stringify(session.symbol)},"date":"${session.date}",`;
    reader.forEach((r) => {
      orders.next(r);
      out.line(
        `${prefix}"ts_ns":${r.tsNs},"type":${r.type},"type_name":"${
          typeName(r.type)
        }","side":${r.side},"price_ticks":${r.priceTicks},"qty":${r.qty},"order_id":${r.orderId},` +
          `"order_ref":${orders.ref},"shares":${orders.shares}}`,
      );
    });
  } finally {
    out.close();
  }
  return [out.path];
}
