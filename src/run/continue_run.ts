import { DataError, UsageError } from "../core/errors.ts";
import { newRecord } from "../core/events.ts";
import { pathInside } from "../core/safe_read.ts";
import { SessionLog } from "../format/input.ts";
import { readManifest } from "../format/manifest.ts";
import type { ManifestSession } from "../format/manifest.ts";
import { Session } from "../model/session.ts";
import { createModel, sessionConfig, sessionSeed } from "./config.ts";
import type { RunConfig, Security } from "./config.ts";

/** What `--continue RUN` found of one security: its file of day D, else of day D - 1. */
interface Found {
  session: ManifestSession;
  /** True for day D itself, false for the day before it. */
  sameDay: boolean;
}

/**
 * The opening price of day `cfg.session.firstDay` of every security this process runs, from a
 * run made with the same flags (`--continue RUN`): the p0 of that day's file when RUN has it,
 * else the close of the day before, found by generating that day again from its file's seed and
 * p0 and checked against the file (same record count, same last time), so flags that differ from
 * RUN's are refused instead of continuing a different simulation.
 */
export function openingPrices(cfg: RunConfig, runDir: string, indices: number[]): number[] {
  const day = cfg.session.firstDay ?? 0;
  if (day === 0) throw new UsageError("--continue needs --first-day 1 or later");
  const manifest = readManifest(runDir);
  const source = `${runDir}/manifest.json`;
  const seconds = Number(manifest.raw.session_seconds);
  if (BigInt(manifest.raw.base_seed as bigint | number) !== cfg.seed) {
    throw new UsageError(
      `--continue: ${source} has base_seed ${manifest.raw.base_seed}, not --seed ${cfg.seed}`,
    );
  }
  if (seconds !== cfg.session.seconds) {
    throw new UsageError(
      `--continue: ${source} has session_seconds ${seconds}, not --seconds ${cfg.session.seconds}`,
    );
  }
  return indices.map((i) => {
    const symbol = cfg.securities[i].symbol;
    const security = manifest.securities.find((s) => s.symbol === symbol);
    const name = symbol ?? "the unnamed security";
    if (!security) throw new DataError(`has no ${name}`, { source });
    const found = find(security.sessions, sessionSeed(cfg, i, day), sessionSeed(cfg, i, day - 1));
    if (!found) {
      throw new DataError(`has neither day ${day} nor day ${day - 1} of ${name}`, { source });
    }
    if (found.session.in_progress) {
      throw new DataError(`${found.session.file} is not finished (in_progress)`, { source });
    }
    const path = pathInside(runDir, found.session.file, `${source}: ${found.session.file}`);
    const log = SessionLog.open(path);
    try {
      let lastTsNs: number | null = null;
      for (let c = log.next(); c; c = log.next()) lastTsNs = c.lastTsNs;
      if (log.damage) throw new DataError(log.damage.detail, { source: log.damage.file });
      if (found.sameDay) return log.header.p0Ticks;
      return closeOf(
        cfg,
        cfg.securities[i],
        found.session.seed,
        log.header.p0Ticks,
        log.header.sessionSeconds,
        log.records,
        lastTsNs,
        path,
      );
    } finally {
      log.close();
    }
  });
}

function find(sessions: ManifestSession[], seed: bigint, before: bigint): Found | null {
  const same = sessions.find((s) => s.seed === seed);
  if (same) return { session: same, sameDay: true };
  const previous = sessions.find((s) => s.seed === before);
  return previous ? { session: previous, sameDay: false } : null;
}

/** The close of the session seeded `seed` opening at `p0`, generated again and checked. */
function closeOf(
  cfg: RunConfig,
  security: Security,
  seed: bigint,
  p0: number,
  /** The file's own session length (an early close's is shorter). */
  seconds: number,
  records: number,
  lastTsNs: number | null,
  path: string,
): number {
  const session = new Session(sessionConfig(cfg, seed, p0, seconds), createModel(cfg, security));
  const rec = newRecord();
  let events = 0, last: number | null = null;
  while (session.next(rec)) {
    events++;
    last = rec.tsNs;
  }
  if (events !== records || last !== lastTsNs) {
    throw new UsageError(
      `--continue: ${path} was not made with these flags (${records} records; these flags give ` +
        `${events}): give --continue the run these flags made`,
    );
  }
  return session.book.closePrice();
}
