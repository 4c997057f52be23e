import { UsageError } from "../core/errors.ts";
import { EVENT_TYPE_NAMES, SIDE_NAMES } from "../core/events.ts";
import { clock, oneLine } from "./decode.ts";
import type { ConsumedEvent } from "./decode.ts";

/** What a format string prints of an event besides its record: the message it came in. */
export interface MessageContext {
  topic: string;
  /** The message's timestamp, milliseconds since 1970 (kcat's %T). */
  timestampMs: number;
  /** The value's length in bytes (kcat's %S). */
  valueBytes: number;
  headers: Record<string, string>;
}

type Part = (e: ConsumedEvent, m: MessageContext) => string;

/** kcat's -f specifiers, and the event's own fields (ours: uppercase letters kcat leaves free). */
const SPECIFIERS: Record<string, [Part, string]> = {
  t: [(_, m) => oneLine(m.topic), "topic"],
  p: [(e) => String(e.partition), "partition"],
  o: [(e) => String(e.offset), "offset"],
  k: [(e) => (e.key === null ? "" : oneLine(e.key)), "key"],
  K: [(e) => String(e.key === null ? -1 : new TextEncoder().encode(e.key).length), "key length"],
  s: [(e) => eventFields(e), "the event: DATE TIME TYPE SIDE PRICE_TICKS QTY ORDER_ID"],
  S: [(_, m) => String(m.valueBytes), "value length in bytes"],
  T: [(_, m) => String(m.timestampMs), "message timestamp (ms since 1970)"],
  h: [(_, m) => headerText(m.headers), "headers, name=value,..."],
  i: [(e) => String(e.index), "the record's place in its message"],
  D: [(e) => e.date ?? "", "trading date (date header)"],
  N: [(e) => String(e.tsNs), "ts_ns"],
  Y: [(e) => EVENT_TYPE_NAMES[e.type], "type name"],
  P: [(e) => String(e.priceTicks), "price_ticks"],
  Q: [(e) => String(e.qty), "qty"],
  I: [(e) => String(e.orderId), "order_id"],
};

/** The specifiers for `-h`, one `%x what` per entry. */
export const FORMAT_HELP = Object.entries(SPECIFIERS).map(([c, [, what]]) => `%${c} ${what}`)
  .join(", ");

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\" };

function headerText(headers: Record<string, string>): string {
  return Object.entries(headers).map(([k, v]) => `${oneLine(k)}=${oneLine(v)}`).join(",");
}

function eventFields(e: ConsumedEvent): string {
  return [
    e.date ?? "-",
    clock(e.tsNs),
    EVENT_TYPE_NAMES[e.type],
    SIDE_NAMES[e.side],
    e.priceTicks,
    e.qty,
    e.orderId,
  ].join(" ");
}

/**
 * A kcat `-f` format string as a function of an event: `%x` specifiers, `%%` a percent sign,
 * `\n \t \r \\` escapes; everything else as written. No newline is added (as kcat).
 */
export function compileFormat(format: string): Part {
  const parts: Part[] = [];
  let literal = "";
  const flush = () => {
    if (literal === "") return;
    const text = literal;
    parts.push(() => text);
    literal = "";
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    const next = format[i + 1];
    if (c === "%") {
      if (next === "%") literal += "%";
      else if (next !== undefined && SPECIFIERS[next]) {
        flush();
        parts.push(SPECIFIERS[next][0]);
      } else {
        throw new UsageError(
          `--format: '%${next ?? ""}' at character ${i + 1} is not a specifier (${
            Object.keys(SPECIFIERS).map((k) => `%${k}`).join(" ")
          } %%)`,
        );
      }
      i++;
    } else if (c === "\\" && next !== undefined && ESCAPES[next]) {
      literal += ESCAPES[next];
      i++;
    } else {
      literal += c;
    }
  }
  flush();
  return (e, m) => {
    let out = "";
    for (const part of parts) out += part(e, m);
    return out;
  };
}
