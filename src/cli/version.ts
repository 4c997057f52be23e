/** The version `--version` prints, on every command. */
export const VERSION = "0.1.0";
