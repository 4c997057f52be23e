import assert from "node:assert/strict";
import { DataError } from "../core/errors.ts";
import { QrsdpReader } from "../format/reader.ts";
import type { EventRecord } from "../core/events.ts";
import { exportRun } from "./export.ts";
import { exportSessions } from "./sessions.ts";
import { decodeItch } from "../itch/decode.ts";
import { FeedDay } from "../itch/feed_day.ts";
import { ItchBuffer } from "../itch/messages.ts";

const FIXTURES = new URL("../../tests/fixtures", import.meta.url).pathname;
const MULTI = `${FIXTURES}/g2_seed7_multi`;

function records(path: string): EventRecord[] {
  const out: EventRecord[] = [];
  QrsdpReader.open(path).forEach((r) => out.push({ ...r }));
  return out;
}

/**
 * Each record's order and shares as the ITCH feed of that one session says: the reference of
 * the first Add, Delete or Executed message the record gives (0, 0 when it gives none).
 */
function itchOrders(path: string): [number, number][] {
  const reader = QrsdpReader.open(path);
  const out = new ItchBuffer();
  const day = new FeedDay([{ symbol: "T", header: reader.header }], 1, out);
  const orders: [number, number][] = [];
  const shares = new Map<number, number>();
  day.open();
  const read = () => {
    const b = out.data;
    let first: [number, number] = [0, 0];
    for (let o = 0; o < b.length;) {
      const n = (b[o] << 8) | b[o + 1];
      const m = decodeItch(b.subarray(o + 2, o + 2 + n)) as {
        type: string;
        ref: number;
        shares: number;
      };
      if (m.type === "A") shares.set(m.ref, m.shares);
      if (first[0] === 0 && "ref" in m) first = [m.ref, shares.get(m.ref)!];
      o += 2 + n;
    }
    out.clear();
    return first;
  };
  read();
  reader.forEach((r) => {
    day.apply(0, r);
    orders.push(read());
  });
  return orders;
}

const TYPE_NAMES = [
  "ADD_BID",
  "ADD_ASK",
  "CANCEL_BID",
  "CANCEL_ASK",
  "EXECUTE_BUY",
  "EXECUTE_SELL",
];

/** New York's offset behind UTC on the fixtures' dates: the clocks went forward on 2026-03-08. */
const HOURS_BEHIND_UTC: Record<string, number> = {
  "2026-01-02": 5,
  "2026-03-06": 5,
  "2026-03-09": 4,
};

/** The UTC instant of `tsNs` after local midnight of `date` in New York, as ISO 8601 with ns. */
function isoUtc(date: string, tsNs: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const ns = BigInt(Date.UTC(y, m - 1, d) + HOURS_BEHIND_UTC[date] * 3_600_000) * 1_000_000n +
    BigInt(tsNs);
  const ms = ns / 1_000_000n;
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${
    String(ns % 1_000_000_000n).padStart(9, "0")
  }Z`;
}

/** Dollars with four decimals from ticks of 100 units of 10^-4 dollars (a cent). */
function dollars(priceTicks: number): string {
  return (priceTicks / 100).toFixed(2) + "00";
}

Deno.test("sessions: a run directory lists every security's days; a single file is named", () => {
  const all = exportSessions(MULTI);
  assert.deepEqual(all.map((s) => `${s.symbol} ${s.date}`), [
    "AAPL 2026-03-06",
    "AAPL 2026-03-09",
    "MSFT 2026-03-06",
    "MSFT 2026-03-09",
  ]);
  assert.deepEqual(exportSessions(`${MULTI}/MSFT/2026-03-09.qrsdp`)[0].symbol, "MSFT");
  assert.deepEqual(exportSessions(`${FIXTURES}/g1_seed42_simple`)[0].symbol, "DEFAULT");
  assert.deepEqual(exportSessions(`${MULTI}/MSFT/2026-03-09.qrsdp`, "X")[0].symbol, "X");
  assert.throws(() => exportSessions(`${MULTI}/manifest.json`), DataError);
  assert.throws(() => exportSessions(`${MULTI}/nothing`), DataError);
});

Deno.test("csv: every session's file parses back to its records, with symbol and date", () => {
  const out = Deno.makeTempDirSync({ prefix: "qrsdp_export_csv_" });
  const done = exportRun(MULTI, "csv", out);
  assert.deepEqual(done.length, 4);
  for (const { session, files, events } of done) {
    const expected = records(session.path);
    const lines = Deno.readTextFileSync(files[0]).split("\n");
    assert.deepEqual(
      lines[0],
      "symbol,date,ts,ts_ns,type,type_name,side,price,price_ticks,qty,shares,order_id,order_ref",
    );
    const orders = itchOrders(session.path);
    assert.deepEqual(lines.at(-1), "");
    assert.deepEqual(lines.length - 2, expected.length);
    assert.deepEqual(events, expected.length);
    expected.forEach((r, i) => {
      const f = lines[i + 1].split(",");
      assert.deepEqual(f, [
        session.symbol,
        session.date,
        isoUtc(session.date, r.tsNs),
        String(r.tsNs),
        String(r.type),
        TYPE_NAMES[r.type],
        String(r.side),
        dollars(r.priceTicks),
        String(r.priceTicks),
        String(r.qty),
        String(r.qty * 100),
        String(r.orderId),
        String(orders[i][0]),
      ]);
    });
  }
  Deno.removeSync(out, { recursive: true });
});

Deno.test("jsonl: every line is a JSON object with the record's fields", () => {
  const out = Deno.makeTempDirSync({ prefix: "qrsdp_export_jsonl_" });
  const [done] = exportRun(`${FIXTURES}/g3_seed11_hlr`, "jsonl", out, {
    layout: { lotSize: 25 },
  });
  const expected = records(done.session.path);
  const orders = itchOrders(done.session.path);
  const lines = Deno.readTextFileSync(done.files[0]).trimEnd().split("\n");
  assert.deepEqual(lines.length, expected.length);
  expected.forEach((r, i) => {
    assert.deepEqual(JSON.parse(lines[i]), {
      symbol: "DEFAULT",
      date: "2026-01-02",
      ts: isoUtc("2026-01-02", r.tsNs),
      ts_ns: r.tsNs,
      type: r.type,
      type_name: TYPE_NAMES[r.type],
      side: r.side,
      price: r.priceTicks / 100,
      price_ticks: r.priceTicks,
      qty: r.qty,
      shares: r.qty * 25,
      order_id: r.orderId,
      order_ref: orders[i][0],
    });
    // The price is written with its four decimals, exactly.
    assert.match(lines[i], new RegExp(`"price":${dollars(r.priceTicks).replace(".", "\\.")},`));
  });
  Deno.removeSync(out, { recursive: true });
});

Deno.test("parquet: one file per session, magic at both ends", () => {
  const out = Deno.makeTempDirSync({ prefix: "qrsdp_export_parquet_" });
  const done = exportRun(MULTI, "parquet", out);
  for (const { files } of done) {
    const bytes = Deno.readFileSync(files[0]);
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    assert.deepEqual(text(bytes.subarray(0, 4)), "PAR1");
    assert.deepEqual(text(bytes.subarray(bytes.length - 4)), "PAR1");
  }
  Deno.removeSync(out, { recursive: true });
});

Deno.test("hive layout: symbol=S/date=D/ folders whose files leave out symbol and date", () => {
  const out = Deno.makeTempDirSync({ prefix: "qrsdp_export_hive_" });
  const done = exportRun(MULTI, "csv", out, { layout: { hive: true } });
  for (const { session, files } of done) {
    assert.deepEqual(files, [
      `${out}/symbol=${session.symbol}/date=${session.date}/${session.symbol}_${session.date}.csv`,
    ]);
    const [header, first] = Deno.readTextFileSync(files[0]).split("\n");
    assert.deepEqual(
      header,
      "ts,ts_ns,type,type_name,side,price,price_ticks,qty,shares,order_id,order_ref",
    );
    const r = records(session.path)[0];
    assert.deepEqual(first.split(",").slice(0, 2), [isoUtc(session.date, r.tsNs), String(r.tsNs)]);
  }
  assert.throws(
    () => exportRun(MULTI, "lobster", out, { layout: { hive: true } }),
    /--layout hive: is for csv, jsonl and parquet, not lobster/,
  );
  Deno.removeSync(out, { recursive: true });
});

Deno.test("an unknown format is a usage error", () => {
  assert.throws(() => exportRun(MULTI, "xml", "/nonexistent"), /--format: 'xml'/);
});
