import { UsageError } from "../core/errors.ts";
import type { StartAt } from "./consumer.ts";

/** kcat's -o: `beginning`, `end`, an offset `N`, or `-N`: N messages before each partition's end. */
export function parseOffset(text: string): StartAt {
  if (text === "beginning") return { kind: "beginning" };
  if (text === "end") return { kind: "end" };
  const m = /^(-?)(\d{1,15})$/.exec(text);
  if (!m) throw new UsageError(`--offset: '${text}' is not beginning, end, N or -N`);
  return m[1]
    ? { kind: "from-end", count: Number(m[2]) }
    : { kind: "offset", offset: Number(m[2]) };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A message time: milliseconds since 1970 (as Kafka and kcat count), or ISO 8601 with its zone
 * (`2026-01-02T14:30:00Z`, `...+01:00`). A time with no zone is refused, not guessed.
 */
export function parseTime(flag: string, text: string): number {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  // Date.parse keeps milliseconds; more decimals are cut, as Kafka's timestamps are in ms.
  const ms = ISO.test(text) ? Date.parse(text.replace(/(\.\d{3})\d+/, "$1")) : NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `${flag}: '${text}' is not milliseconds since 1970 or an ISO 8601 time with its zone`,
    );
  }
  return ms;
}
