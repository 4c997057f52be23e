import { HttpError } from "./http_error.ts";

/** What the server lets its simulations take (`qrsdp serve --max-*`). */
export interface Limits {
  /** Simulations generating at once. */
  simulations: number;
  /** Events one simulation may generate. */
  eventsPerSimulation: number;
  /** Events the running simulations may generate together. */
  eventsPerServer: number;
  /** Bytes the data directory may hold, its runs and what running simulations may still write. */
  diskBytes: number;
  /** Worker threads of one simulation: never more than the machine has cores. */
  workers: number;
}

export const DEFAULT_LIMITS: Limits = {
  simulations: 4,
  eventsPerSimulation: 50_000_000,
  eventsPerServer: 100_000_000,
  diskBytes: 4096 * 2 ** 20,
  workers: navigator.hardwareConcurrency,
};

/**
 * Above every preset's rate (measured 69-88 events/s over an hour) and a file's size per event
 * (13 bytes), so that an estimate is never below what a simulation writes; a simulation is
 * stopped if it ever reaches its estimate all the same.
 */
export const EVENTS_PER_SECOND = 100;
export const BYTES_PER_EVENT = 16;

export interface Reservation {
  events: number;
  bytes: number;
  workers: number;
}

/** The share of the limits each running simulation holds, granted or refused as it is asked. */
export class Budget {
  private readonly held = new Map<string, Reservation>();

  constructor(readonly limits: Limits) {}

  /** The events and bytes a simulation of this size may take, and its workers. */
  estimate(securities: number, days: number, sessionSeconds: number): Reservation {
    const events = securities * days * sessionSeconds * EVENTS_PER_SECOND;
    return {
      events,
      bytes: events * BYTES_PER_EVENT,
      workers: Math.max(1, Math.min(securities, this.limits.workers)),
    };
  }

  /** 413 when a simulation is too large ever to run here; 429 while the server is too busy. */
  check(r: Reservation): void {
    const l = this.limits;
    if (r.events > l.eventsPerSimulation) {
      throw new HttpError(
        413,
        `a simulation may generate at most ${count(l.eventsPerSimulation)} events here, and ` +
          `this one would generate about ${count(r.events)} (fewer securities, days or hours)`,
      );
    }
    if (r.bytes > l.diskBytes) {
      throw new HttpError(
        413,
        `this simulation would write about ${mib(r.bytes)}, more than the ${
          mib(l.diskBytes)
        } the data directory may hold`,
      );
    }
  }

  /** Reserves a share for `id`, given the data directory's size now; throws 429 when full. */
  reserve(id: string, r: Reservation, usedBytes: number): void {
    this.check(r);
    const l = this.limits;
    let events = 0, bytes = 0;
    for (const h of this.held.values()) {
      events += h.events;
      bytes += h.bytes;
    }
    if (this.held.size >= l.simulations) {
      throw new HttpError(429, `${this.held.size} simulations are running, the most at once here`);
    }
    if (events + r.events > l.eventsPerServer) {
      throw new HttpError(
        429,
        `the running simulations may generate ${count(events)} events, and with this one ` +
          `${count(events + r.events)} would pass the server's ${count(l.eventsPerServer)}`,
      );
    }
    if (usedBytes + bytes + r.bytes > l.diskBytes) {
      throw new HttpError(
        429,
        `the data directory holds ${mib(usedBytes)} and running simulations may add ${
          mib(bytes)
        }; this one's ${mib(r.bytes)} would pass its ${mib(l.diskBytes)}`,
      );
    }
    this.held.set(id, r);
  }

  release(id: string): void {
    this.held.delete(id);
  }
}

/** The bytes of the files under `dir` (symbolic links not followed), read without blocking. */
export async function diskUsage(dir: string): Promise<number> {
  let total = 0;
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    try {
      if (e.isDirectory) total += await diskUsage(path);
      else if (e.isFile) total += (await Deno.lstat(path)).size;
    } catch {
      // Removed while it was being counted.
    }
  }
  return total;
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 24 ? 1 : 0)} MiB`;
