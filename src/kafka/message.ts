/** Message key of the unnamed security (a run without `--securities`). */
export const UNNAMED_KEY = "DEFAULT";
/** Header carrying the simulated trading date, YYYY-MM-DD, read by ClickHouse. */
export const DATE_HEADER = "date";
