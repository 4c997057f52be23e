import { DataError } from "../core/errors.ts";
import { schemaById } from "../kafka/schema_registry.ts";
import {
  isOurSchema,
  parseAvroBody,
  parseJsonValue,
  WIRE_HEADER_SIZE,
  wireSchemaId,
} from "../kafka/value_format.ts";
import type { KeyedEvent, ValueFormatName } from "../kafka/value_format.ts";
import { checkedDate, decodeMessage, recordProblem } from "./decode.ts";
import type { ConsumedEvent, RawMessage } from "./decode.ts";

/** A message's events, in the value format given; bad data is a DataError naming the message. */
export type MessageReader = (m: RawMessage) => Promise<ConsumedEvent[]>;

function event(m: RawMessage, e: KeyedEvent): ConsumedEvent {
  const where = `partition ${m.partition} offset ${m.offset}`;
  const problem = recordProblem(e) ??
    (checkedDate(e.date) ? null : `date "${e.date}" is not a YYYY-MM-DD date`);
  if (problem) throw new DataError(`${where}: ${problem}`);
  const key = m.key === null ? null : new TextDecoder().decode(m.key);
  return {
    partition: m.partition,
    offset: m.offset,
    index: 0,
    key,
    date: e.date,
    tsNs: e.tsNs,
    type: e.type,
    side: e.side,
    priceTicks: e.priceTicks,
    qty: e.qty,
    orderId: e.orderId,
  };
}

/** Runs `read`, naming the message in a DataError that does not name it yet. */
function named<T>(m: RawMessage, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof DataError && !e.message.startsWith("partition ")) {
      throw new DataError(`partition ${m.partition} offset ${m.offset}: ${e.message}`);
    }
    throw e;
  }
}

/**
 * The reader of one value format. Avro asks the registry for each schema id once; an id whose
 * schema is not our event's is bad data (the message is not ours), an unreachable registry a
 * RegistryError.
 */
export function messageReader(format: ValueFormatName, registry?: string): MessageReader {
  if (format === "rowbinary") return (m) => Promise.resolve(decodeMessage(m));
  const empty = (m: RawMessage) => {
    if (!m.value || m.value.length === 0) {
      throw new DataError(`partition ${m.partition} offset ${m.offset}: empty value`);
    }
    return m.value;
  };
  if (format === "json") {
    return (m) => Promise.resolve(named(m, () => [event(m, parseJsonValue(empty(m)))]));
  }
  if (!registry) throw new Error("avro needs a registry");
  const schemas = new Map<number, Promise<boolean>>();
  return async (m) => {
    const value = named(m, () => empty(m));
    const id = named(m, () => wireSchemaId(value));
    let ours = schemas.get(id);
    if (!ours) schemas.set(id, ours = schemaById(registry, id).then(isOurSchema));
    if (!(await ours)) {
      throw new DataError(
        `partition ${m.partition} offset ${m.offset}: schema id ${id} is not the event schema`,
      );
    }
    return named(m, () => [event(m, parseAvroBody(value.subarray(WIRE_HEADER_SIZE)))]);
  };
}
