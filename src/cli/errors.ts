/** A mistake in what the user asked for: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Input data (a file, a response) that cannot be used: one line, exit code 2. */
export class DataError extends Error {
  override name = "DataError";
}
