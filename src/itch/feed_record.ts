import type { EventRecord } from "../core/events.ts";

/**
 * The record in hand of a feed, reused record after record. A class of its own, not an object
 * literal: literals of this shape share their hidden class with every other record of the
 * program, whose `tsNs` field V8 then keeps boxed, so that every timestamp stored allocated (a
 * garbage collection every 4 ms of a conversion).
 */
export class FeedRecord implements EventRecord {
  tsNs = 0;
  type = 0;
  side = 0;
  priceTicks = 0;
  qty = 0;
  orderId = 0;
}
