import type { HlrCurves } from "../model/hlr_curves.ts";
import type { SimpleParams } from "../model/simple.ts";

export interface Security {
  /** Null for the one unnamed security of a run without `--securities`. */
  symbol: string | null;
  p0Ticks: number;
}

export interface KafkaSettings {
  brokers: string[];
  topic: string;
  securityProtocol: "PLAINTEXT" | "SSL" | "SASL_SSL" | "SASL_PLAINTEXT";
  saslMechanism?: "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512";
  saslUsername?: string;
  saslPassword?: string;
  /** Events awaiting acknowledgement before the generator is held back. */
  maxInFlight: number;
  /** How long an unreachable broker is retried before its events count as failed. */
  timeoutMs: number;
  /** Events per message: a value is k x 26 bytes, 1 <= k <= this. */
  recordsPerMessage: number;
  /** A partly filled message leaves at most this long after its first event. */
  lingerMs: number;
}

export interface RunConfig {
  seed: number;
  /** 0 runs day after day until stopped. */
  days: number;
  sessionSeconds: number;
  output: string;
  startDate: string;
  chunkSize: number;
  initialDepth: number;
  levels: number;
  initialSpreadTicks: number;
  tickSize: number;
  securities: Security[];
  model: "simple" | "hlr";
  /** Curves for the hlr model (defaults or a `--hlr-curves` file); null for simple. */
  hlrCurves: HlrCurves | null;
  simple: SimpleParams;
  marketOpenSeconds: number;
  thetaReinit: number;
  reinitDepthMean: number;
  realtime: boolean;
  speed: number;
  overnightSeconds: number;
  workers: number;
  kafka: KafkaSettings | null;
}

/** Security i's day d is seeded `seed + 1024 i + d` (model.md §6). */
export function sessionSeed(cfg: RunConfig, securityIndex: number, day: number): number {
  return cfg.seed + 1024 * securityIndex + day;
}

export function sessionFile(security: Security, date: string): string {
  return security.symbol === null ? `${date}.qrsdp` : `${security.symbol}/${date}.qrsdp`;
}
