/**
 * What every source of observations (a `.qrsdp` replay, LOBSTER files, an ITCH feed) shows its
 * consumers: the book in the model's terms, levels 0..K-1 per side, level k being k ticks from
 * the best on its side, queue sizes in model units. The source updates the arrays in place.
 */
export interface LevelBook {
  /** Price of each level in ticks (bid: best - k, ask: best + k for a real book). */
  readonly bidPrice: Int32Array;
  readonly askPrice: Int32Array;
  /** Queue size of each level in model units. */
  readonly bidDepth: Int32Array;
  readonly askDepth: Int32Array;
}

/**
 * A consumer of observations (the estimator, the realism statistics). For each event the source
 * calls `event` with the book as it was before the event, applies it, then calls `after`.
 */
export interface ObservationSink {
  /** `type` is the event type (0..5), `level` -1 for an event on no level the source knows. */
  event(t: number, side: number, level: number, type: number): void;
  /** The event is applied; `bestMoved`: the best bid or best ask price changed. */
  after(t: number, bestMoved: boolean): void;
  /** A sampling period (a session, a file, trading after a halt) begins at t. */
  begin(t: number): void;
  /** The sampling period ends at t (the close, a file's end, a halt). */
  end(t: number): void;
}
