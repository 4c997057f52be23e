/** The event vocabulary shared by the model, the book, the file format and every consumer. */
export const EventType = {
  ADD_BID: 0,
  ADD_ASK: 1,
  CANCEL_BID: 2,
  CANCEL_ASK: 3,
  EXECUTE_BUY: 4,
  EXECUTE_SELL: 5,
} as const;

export const EVENT_TYPE_NAMES = [
  "ADD_BID",
  "ADD_ASK",
  "CANCEL_BID",
  "CANCEL_ASK",
  "EXECUTE_BUY",
  "EXECUTE_SELL",
] as const;

export const Side = { BID: 0, ASK: 1, NA: 2 } as const;

export const SIDE_NAMES = ["BID", "ASK", "NA"] as const;

/** One event. Timestamps and order ids stay below 2^53, so plain numbers hold them exactly. */
export interface EventRecord {
  tsNs: number;
  type: number;
  side: number;
  priceTicks: number;
  qty: number;
  orderId: number;
}

export function newRecord(): EventRecord {
  return { tsNs: 0, type: 0, side: 0, priceTicks: 0, qty: 0, orderId: 0 };
}

/**
 * A record reused record after record by a loop (a generator, a reader, a feed). A class of its
 * own, not an object literal: literals of this shape share their hidden class with every other
 * record of the program, whose `tsNs` field V8 then keeps boxed, so that every timestamp stored
 * allocated (a garbage collection every 4 ms of an ITCH conversion, 26 a day read).
 */
export class ReusedRecord implements EventRecord {
  tsNs = 0;
  type = 0;
  side = 0;
  priceTicks = 0;
  qty = 0;
  orderId = 0;
}
