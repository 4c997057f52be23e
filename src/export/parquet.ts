import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { AtomicFile } from "../core/atomic_file.ts";
import type { SessionLog } from "../format/input.ts";
import type { SessionFiles } from "./output_files.ts";
import { baseName, typeName } from "./rows.ts";
import type { ExportSession } from "./sessions.ts";
import { OrderColumns } from "./order_columns.ts";

/** Rows per row group: what is held in memory at once, whatever the session's length. */
export const ROW_GROUP = 65_536;

/** The same columns as the CSV export, each with its Parquet type (as ClickHouse's table). */
const SCHEMA = [
  { name: "root", num_children: 11 },
  { name: "symbol", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  { name: "date", type: "INT32", converted_type: "DATE", repetition_type: "REQUIRED" },
  { name: "ts_ns", type: "INT64", converted_type: "UINT_64", repetition_type: "REQUIRED" },
  { name: "type", type: "INT32", converted_type: "UINT_8", repetition_type: "REQUIRED" },
  { name: "type_name", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  { name: "side", type: "INT32", converted_type: "UINT_8", repetition_type: "REQUIRED" },
  { name: "price_ticks", type: "INT32", repetition_type: "REQUIRED" },
  { name: "qty", type: "INT32", converted_type: "UINT_32", repetition_type: "REQUIRED" },
  { name: "order_id", type: "INT64", converted_type: "UINT_64", repetition_type: "REQUIRED" },
  { name: "order_ref", type: "INT64", converted_type: "UINT_64", repetition_type: "REQUIRED" },
  { name: "shares", type: "INT64", converted_type: "UINT_64", repetition_type: "REQUIRED" },
] as const;

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
export function writeParquet(log: SessionLog, session: ExportSession, files: SessionFiles): void {
  const h = log.header;
  const writer = new FileWriter(files.binary(`${baseName(session.symbol, session.date)}.parquet`));
  const parquet = new ParquetWriter({
    writer,
    schema: SCHEMA as unknown as ConstructorParameters<typeof ParquetWriter>[0]["schema"],
    createdBy: "qrsdp",
    kvMetadata: [
      { key: "qrsdp.seed", value: String(h.seed) },
      { key: "qrsdp.p0_ticks", value: String(h.p0Ticks) },
      { key: "qrsdp.tick_size", value: String(h.tickSize) },
      { key: "qrsdp.levels_per_side", value: String(h.levelsPerSide) },
      { key: "qrsdp.session_seconds", value: String(h.sessionSeconds) },
      { key: "qrsdp.market_open_ns", value: String(h.marketOpenNs) },
    ],
  });
  const day = epochDay(session.date);
  const symbols: string[] = new Array(ROW_GROUP).fill(session.symbol);
  const dates = new Int32Array(ROW_GROUP).fill(day);
  const ts = new BigInt64Array(ROW_GROUP);
  const types = new Int32Array(ROW_GROUP);
  const names: string[] = new Array(ROW_GROUP);
  const sides = new Int32Array(ROW_GROUP);
  const prices = new Int32Array(ROW_GROUP);
  const qtys = new Uint32Array(ROW_GROUP);
  const ids = new BigInt64Array(ROW_GROUP);
  const refs = new BigInt64Array(ROW_GROUP);
  const shares = new BigInt64Array(ROW_GROUP);
  const orders = new OrderColumns(log, session);
  let n = 0;
  const writeGroup = () => {
    const cut = <T extends { slice(a: number, b: number): T }>(a: T) => a.slice(0, n);
    parquet.write({
      columnData: [
        { name: "symbol", data: symbols.slice(0, n) },
        { name: "date", data: cut(dates) },
        { name: "ts_ns", data: cut(ts) },
        { name: "type", data: cut(types) },
        { name: "type_name", data: names.slice(0, n) },
        { name: "side", data: cut(sides) },
        { name: "price_ticks", data: cut(prices) },
        { name: "qty", data: cut(qtys) },
        { name: "order_id", data: cut(ids) },
        { name: "order_ref", data: cut(refs) },
        { name: "shares", data: cut(shares) },
      ],
      rowGroupSize: ROW_GROUP,
    });
    n = 0;
  };
  log.forEach((r) => {
    ts[n] = BigInt(r.tsNs);
    types[n] = r.type;
    names[n] = typeName(r.type);
    sides[n] = r.side;
    prices[n] = r.priceTicks;
    qtys[n] = r.qty;
    ids[n] = BigInt(r.orderId);
    orders.next(r);
    refs[n] = BigInt(orders.ref);
    shares[n] = BigInt(orders.shares);
    if (++n === ROW_GROUP) writeGroup();
  });
  if (n > 0) writeGroup();
  parquet.finish();
}
