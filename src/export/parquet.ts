import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { AtomicFile } from "../core/atomic_file.ts";
import type { SessionLog } from "../format/input.ts";
import type { SessionFiles } from "./output_files.ts";
import { MarketClock } from "./market_time.ts";
import { fileColumns, PRICE_SCALE, sessionFileName, typeName } from "./rows.ts";
import type { ExportLayout } from "./rows.ts";
import type { ExportSession } from "./sessions.ts";
import { OrderColumns } from "./order_columns.ts";

/** Rows per row group: what is held in memory at once, whatever the session's length. */
export const ROW_GROUP = 65_536;

/** Each column with its Parquet type (as ClickHouse's table; `ts` and `price` as logical types). */
const COLUMN_TYPES: Record<string, Record<string, unknown>> = {
  symbol: { type: "BYTE_ARRAY", converted_type: "UTF8" },
  date: { type: "INT32", converted_type: "DATE" },
  ts: { type: "INT64", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "NANOS" } },
  ts_ns: { type: "INT64", converted_type: "UINT_64" },
  type: { type: "INT32", converted_type: "UINT_8" },
  type_name: { type: "BYTE_ARRAY", converted_type: "UTF8" },
  side: { type: "INT32", converted_type: "UINT_8" },
  price: {
    type: "INT64",
    converted_type: "DECIMAL",
    scale: PRICE_SCALE,
    precision: 18,
    logical_type: { type: "DECIMAL", scale: PRICE_SCALE, precision: 18 },
  },
  price_ticks: { type: "INT32" },
  qty: { type: "INT32", converted_type: "UINT_32" },
  shares: { type: "INT64", converted_type: "UINT_64" },
  order_id: { type: "INT64", converted_type: "UINT_64" },
  order_ref: { type: "INT64", converted_type: "UINT_64" },
};

function schema(columns: string[]) {
  return [
    { name: "root", num_children: columns.length },
    ...columns.map((name) => ({ name, ...COLUMN_TYPES[name], repetition_type: "REQUIRED" })),
  ];
}

/** The library's byte writer, emptied into the file after every row group. */
class FileWriter extends ByteWriter {
  constructor(private readonly file: AtomicFile) {
    super(1 << 20);
  }

  flush(): void {
    this.file.write(new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
  }

  override finish(): void {
    this.flush();
  }
}

/** Days since 1970-01-01 of a YYYY-MM-DD date, Parquet's DATE. */
function epochDay(date: string): number {
  return Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / 86_400_000;
}

/**
 * One Parquet file per session, written a row group at a time (Snappy pages, column statistics),
 * with the session's header in the key-value metadata.
 */
export function writeParquet(
  log: SessionLog,
  session: ExportSession,
  files: SessionFiles,
  layout: ExportLayout,
): void {
  const h = log.header;
  const columns = fileColumns(layout);
  const writer = new FileWriter(
    files.binary(sessionFileName(files.dir, session, layout, "parquet")),
  );
  const parquet = new ParquetWriter({
    writer,
    schema: schema(columns) as unknown as ConstructorParameters<typeof ParquetWriter>[0]["schema"],
    createdBy: "qrsdp",
    kvMetadata: [
      { key: "qrsdp.seed", value: String(h.seed) },
      { key: "qrsdp.p0_ticks", value: String(h.p0Ticks) },
      { key: "qrsdp.tick_size", value: String(h.tickSize) },
      { key: "qrsdp.levels_per_side", value: String(h.levelsPerSide) },
      { key: "qrsdp.session_seconds", value: String(h.sessionSeconds) },
      { key: "qrsdp.market_open_ns", value: String(h.marketOpenNs) },
      { key: "qrsdp.time_zone", value: layout.tz },
      { key: "qrsdp.lot_size", value: String(layout.lotSize) },
    ],
  });
  const clock = new MarketClock(session.date, layout.tz);
  const tick = BigInt(h.tickSize);
  const lot = BigInt(layout.lotSize);
  const day = epochDay(session.date);
  const data: Record<string, ArrayLike<unknown> & { slice(a: number, b: number): unknown }> = {
    symbol: new Array(ROW_GROUP).fill(session.symbol),
    date: new Int32Array(ROW_GROUP).fill(day),
  };
  const ts = new BigInt64Array(ROW_GROUP);
  const tsNs = new BigInt64Array(ROW_GROUP);
  const types = new Int32Array(ROW_GROUP);
  const names: string[] = new Array(ROW_GROUP);
  const sides = new Int32Array(ROW_GROUP);
  const prices = new BigInt64Array(ROW_GROUP);
  const ticks = new Int32Array(ROW_GROUP);
  const qtys = new Uint32Array(ROW_GROUP);
  const shares = new BigInt64Array(ROW_GROUP);
  const ids = new BigInt64Array(ROW_GROUP);
  const refs = new BigInt64Array(ROW_GROUP);
  const orders = new OrderColumns(log, session);
  Object.assign(data, {
    ts,
    ts_ns: tsNs,
    type: types,
    type_name: names,
    side: sides,
    price: prices,
    price_ticks: ticks,
    qty: qtys,
    shares,
    order_id: ids,
    order_ref: refs,
  });
  let n = 0;
  const writeGroup = () => {
    parquet.write(
      {
        columnData: columns.map((name) => ({ name, data: data[name].slice(0, n) })),
        rowGroupSize: ROW_GROUP,
      } as Parameters<typeof parquet.write>[0],
    );
    n = 0;
  };
  log.forEach((r) => {
    ts[n] = clock.epochNs(r.tsNs);
    tsNs[n] = BigInt(r.tsNs);
    types[n] = r.type;
    names[n] = typeName(r.type);
    sides[n] = r.side;
    ticks[n] = r.priceTicks;
    prices[n] = BigInt(r.priceTicks) * tick;
    qtys[n] = r.qty;
    orders.next(r);
    shares[n] = BigInt(orders.lots(r)) * lot;
    ids[n] = BigInt(r.orderId);
    refs[n] = BigInt(orders.ref);
    if (++n === ROW_GROUP) writeGroup();
  });
  if (n > 0) writeGroup();
  parquet.finish();
}
