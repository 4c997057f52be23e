/** Small text helpers for what the CLI prints. */
import type { SymbolCounts } from "../sinks/sink.ts";

/** 1234567 as "1,234,567" (not toLocaleString: loading ICU costs a short command 10 ms). */
export function thousands(n: number | bigint): string {
  return String(typeof n === "bigint" ? n : Math.round(n)).replace(/\B(?=(\d{3})+$)/g, ",");
}

export function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n, u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** Left-aligned columns, two spaces apart. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()).join(
    "\n",
  );
}

/** ts_ns (nanoseconds since midnight) as HH:MM:SS.nnnnnnnnn. */
export function clockText(tsNs: number): string {
  const s = Math.floor(tsNs / 1e9);
  const ns = String(tsNs - s * 1e9).padStart(9, "0");
  const hh = String(Math.floor(s / 3600)).padStart(2, "0");
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return `${hh}:${mm}:${ss}.${ns}`;
}

/** The summary line of one security's Kafka counts. */
export function kafkaCountsText(c: SymbolCounts): string {
  return `kafka ${c.symbol}: ${thousands(c.events)} events produced, ${
    thousands(c.acknowledgedEvents)
  } acknowledged; ${thousands(c.messages)} messages sent, ${
    thousands(c.acknowledgedMessages)
  } acknowledged`;
}
