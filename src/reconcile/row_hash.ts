import type { EventRecord } from "../core/events.ts";

/**
 * A 32-bit hash of one event's six fields, computed the same way here and in ClickHouse's SQL
 * (ROW_HASH_SQL), so that a (symbol, date)'s events can be compared in any order: their count,
 * the sum of their hashes (mod 2^32) and the XOR of their hashes. Each 32-bit word of the record
 * is mixed in with a multiply (low 32 bits) and a shift, as in Murmur's finaliser.
 */
const SEED = 0x2545f491;
const MULTIPLIER = 0x9e3779b1;
const TWO_POW_32 = 4294967296;

function mix(h: number, word: number): number {
  const x = Math.imul(h ^ word, MULTIPLIER) >>> 0;
  return (x ^ (x >>> 15)) >>> 0;
}

/** The hash of an event (fields as the record holds them; ts_ns and order_id below 2^53). */
export function eventHash(r: EventRecord): number {
  const tsHigh = Math.floor(r.tsNs / TWO_POW_32), idHigh = Math.floor(r.orderId / TWO_POW_32);
  let h = mix(SEED, r.tsNs - tsHigh * TWO_POW_32);
  h = mix(h, tsHigh);
  h = mix(h, r.type | (r.side << 8));
  h = mix(h, r.priceTicks >>> 0);
  h = mix(h, r.qty);
  h = mix(h, r.orderId - idHigh * TWO_POW_32);
  return mix(h, idHigh);
}

/**
 * The same hash in ClickHouse SQL, as the aliases of a WITH clause over the columns of
 * `exchange_events` (the last one is `row_hash`): `WITH ${rowHashAliases()} SELECT ...`.
 */
export function rowHashAliases(): string {
  const words = [
    "bitAnd(ts_ns, 4294967295)",
    "bitShiftRight(ts_ns, 32)",
    "toUInt64(type) + 256 * toUInt64(side)",
    "toUInt64(bitAnd(toInt64(price_ticks) + 4294967296, 4294967295))",
    "toUInt64(qty)",
    "bitAnd(order_id, 4294967295)",
    "bitShiftRight(order_id, 32)",
  ];
  const out: string[] = [];
  let h = `toUInt64(${SEED})`;
  words.forEach((w, i) => {
    out.push(`bitAnd(bitXor(${h}, ${w}) * ${MULTIPLIER}, 4294967295) AS _rh_x${i}`);
    h = i === words.length - 1 ? "row_hash" : `_rh_h${i}`;
    out.push(`bitXor(_rh_x${i}, bitShiftRight(_rh_x${i}, 15)) AS ${h}`);
  });
  return out.join(", ");
}
