import type { Book } from "../book/book.ts";
import { DataError } from "../core/errors.ts";
import { EventType } from "../core/events.ts";
import type { EventRecord } from "../core/events.ts";
import type { FileHeader } from "../format/header.ts";
import { OrderSizes } from "../model/order_sizes.ts";
import type { ExportSession } from "./sessions.ts";

/**
 * Refuses, before anything is written, a session whose book cannot be rebuilt from its records:
 * one made with --theta-reinit, which redraws the book's depths from the random generator.
 */
export function refuseThetaReinit(session: ExportSession): void {
  if (session.thetaReinit > 0) {
    throw new DataError(
      `made with --theta-reinit ${session.thetaReinit}, which redraws the book's depths from the ` +
        `random generator: the book cannot be rebuilt from the records`,
      { source: session.path },
    );
  }
}

/**
 * Stops an export that needs the book when an execution is away from the replayed best: the
 * book cannot then be rebuilt from the records alone (a run made with --theta-reinit).
 */
export function checkReplayable(
  r: EventRecord,
  book: Book,
  index: number,
  reader: { readonly name: string },
): void {
  const best = r.type === EventType.EXECUTE_BUY
    ? book.askPrice[0]
    : r.type === EventType.EXECUTE_SELL
    ? book.bidPrice[0]
    : r.priceTicks;
  if (best !== r.priceTicks) {
    throw new DataError(
      `record ${index} (order ${r.orderId}) executes at ${r.priceTicks} but the ` +
        `rebuilt book's best is ${best}: the book cannot be rebuilt from the records ` +
        `(was the run made with --theta-reinit?)`,
      { source: reader.name },
    );
  }
}

/** The session's order sizes (the run's --sizes, from its manifest), or null for one lot each. */
export function orderSizes(session: ExportSession, h: FileHeader): OrderSizes | null {
  return session.sizes && session.sizes.kind !== "fixed"
    ? new OrderSizes(session.sizes, h.seed)
    : null;
}
