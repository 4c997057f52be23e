import { EVENT_TYPE_NAMES } from "../core/events.ts";
import { DataError } from "../core/errors.ts";
import { inspectFile, readRun, sessionPath } from "../format/input.ts";

/**
 * `qrsdp info --json`: what `info` prints, as one JSON document with stable keys (documented in
 * docs/cli.md, "Machine-readable output"). Returns the document and the exit code.
 */
export function fileInfoJson(path: string, show: number): { doc: unknown; code: number } {
  const { reader, check, first: records } = inspectFile(path, show);
  const h = reader.header;
  const first = show > 0
    ? records.map((r) => ({
      ts_ns: r.tsNs,
      type: r.type,
      type_name: EVENT_TYPE_NAMES[r.type] ?? "UNKNOWN",
      side: r.side,
      price_ticks: r.priceTicks,
      qty: r.qty,
      order_id: r.orderId,
    }))
    : [];
  const doc = {
    path,
    kind: "file",
    header: {
      version_major: h.versionMajor,
      version_minor: h.versionMinor,
      record_size: h.recordSize,
      seed: h.seed,
      p0_ticks: h.p0Ticks,
      tick_size: h.tickSize,
      session_seconds: h.sessionSeconds,
      levels_per_side: h.levelsPerSide,
      initial_spread_ticks: h.initialSpreadTicks,
      initial_depth: h.initialDepth,
      chunk_capacity: h.chunkCapacity,
      header_flags: h.headerFlags,
      market_open_ns: h.marketOpenNs,
    },
    indexed: reader.indexed,
    chunks: check.chunks,
    records: check.records,
    bytes: reader.size,
    first_ts_ns: check.firstTsNs,
    last_ts_ns: check.lastTsNs,
    event_mix: Object.fromEntries(EVENT_TYPE_NAMES.map((name, t) => [name, check.mix[t]])),
    first_records: first,
    checksummed_chunks: check.checksummed,
    problems: check.problems,
    ok: check.problems.length === 0,
  };
  return { doc, code: doc.ok ? 0 : 1 };
}

export function runInfoJson(dir: string): { doc: unknown; code: number } {
  const run = readRun(dir);
  const raw = run.manifest;
  const sessions = run.sessions.map((session) => {
    const row = {
      symbol: session.symbol,
      date: session.date,
      seed: session.seed,
      file: session.file,
      records: null as number | null,
      chunks: null as number | null,
      bytes: null as number | null,
      first_ts_ns: null as number | null,
      last_ts_ns: null as number | null,
      problems: [] as string[],
      ok: false,
    };
    try {
      const { reader, check } = inspectFile(sessionPath(session));
      Object.assign(row, {
        records: check.records,
        chunks: check.chunks,
        bytes: reader.size,
        first_ts_ns: check.firstTsNs,
        last_ts_ns: check.lastTsNs,
        problems: check.problems,
        ok: check.problems.length === 0,
      });
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      row.problems = [e.message];
    }
    return row;
  });
  const ok = sessions.every((s) => s.ok);
  const doc = {
    path: dir,
    kind: "run",
    run_id: raw.run_id ?? null,
    manifest_version: raw.format_version ?? null,
    base_seed: raw.base_seed ?? null,
    session_seconds: raw.session_seconds ?? null,
    sessions,
    ok,
  };
  return { doc, code: ok ? 0 : 1 };
}
