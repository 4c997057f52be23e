import type { SessionLog } from "../format/input.ts";
import { baseName, typeName } from "./rows.ts";
import type { ExportSession } from "./sessions.ts";
import type { SessionFiles } from "./output_files.ts";
import { OrderColumns } from "./order_columns.ts";

/** One JSON Lines file per session: one object per event, keys as the CSV columns. */
export function writeJsonl(log: SessionLog, session: ExportSession, files: SessionFiles): void {
  const orders = new OrderColumns(log, session);
  const out = files.text(`${baseName(session.symbol, session.date)}.jsonl`);
  const prefix = `{"symbol":${JSON.stringify(session.symbol)},"date":"${session.date}",`;
  log.forEach((r) => {
    orders.next(r);
    out.line(
      `${prefix}"ts_ns":${r.tsNs},"type":${r.type},"type_name":"${
        typeName(r.type)
      }","side":${r.side},"price_ticks":${r.priceTicks},"qty":${r.qty},"order_id":${r.orderId},` +
        `"order_ref":${orders.ref},"shares":${orders.shares}}`,
    );
  });
}
