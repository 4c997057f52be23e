import type { EventRecord } from "../core/events.ts";
import type { FileHeader } from "../format/header.ts";
import { OrderFlow } from "./order_flow.ts";
import { checkReplayable, orderSizes } from "./replayable.ts";
import type { ExportSession } from "./sessions.ts";

/**
 * The order columns of each record, in order: `ref`, the order the record concerned in the ITCH
 * feed's order image (0 when it concerned none), and `lots(r)`, that order's size in lots (the
 * record's qty when it concerned none), of which the `shares` column is × the lot size. A run
 * made with --theta-reinit has no order identities: its books cannot be rebuilt from the
 * records, so every `order_ref` is 0 (`orderColumnsNote` says why).
 */
export class OrderColumns {
  ref = 0;
  private orderLots = 0;
  private readonly flow: OrderFlow | null;
  private n = 0;

  constructor(
    private readonly reader: { readonly header: FileHeader; readonly name: string },
    session: ExportSession,
  ) {
    const h = reader.header;
    if (session.thetaReinit > 0) this.flow = null;
    else {
      this.flow = new OrderFlow(h, orderSizes(session, h));
      this.flow.opening(h.marketOpenNs);
    }
  }

  next(r: EventRecord): void {
    const flow = this.flow;
    if (!flow) return;
    checkReplayable(r, flow.book, this.n++, this.reader);
    flow.apply(r);
    this.ref = flow.ref;
    this.orderLots = flow.shares;
  }

  /** The size in lots of the order `r` (the record last given to `next`) concerned. */
  lots(r: EventRecord): number {
    return this.ref !== 0 ? this.orderLots : r.qty;
  }
}

/** Why a session's order columns are all 0, or null when they are not. */
export function orderColumnsNote(session: ExportSession): string | null {
  if (!(session.thetaReinit > 0)) return null;
  return `order_ref is 0: made with --theta-reinit ${session.thetaReinit}, which redraws the ` +
    `book's depths from the random generator, so the records cannot say which order an event ` +
    `concerns`;
}
