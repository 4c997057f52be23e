/** A mistake in what the user asked for: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Where bad data was found: the file (or server) it came from, and the byte offset in it. */
export interface DataLocation {
  source?: string;
  offset?: number;
}

/**
 * Input data (a file, a response) that cannot be used: one line, exit code 2. The message reads
 * `source: byte offset: detail`; the parts are kept apart so nobody has to slice the message.
 */
export class DataError extends Error {
  override name = "DataError";
  readonly source?: string;
  readonly offset?: number;

  constructor(readonly detail: string, where: DataLocation = {}) {
    super(
      [where.source, where.offset === undefined ? undefined : `byte ${where.offset}`, detail]
        .filter((part) => part !== undefined).join(": "),
    );
    this.source = where.source;
    this.offset = where.offset;
  }

  /** The message without its source: `byte offset: detail`, or the detail alone. */
  get located(): string {
    return this.offset === undefined ? this.detail : `byte ${this.offset}: ${this.detail}`;
  }
}

/**
 * An output that could not be written (a full disk, a file size limit): one line naming the file
 * and the byte offset, exit code 1.
 */
export class WriteError extends Error {
  override name = "WriteError";
}
