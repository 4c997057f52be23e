import { flags } from "./flags.ts";

/** calibrate's flags for real market data (LOBSTER files, ITCH feeds). */
export const REAL_DATA_FLAGS = flags({
  lobster: {
    type: "boolean",
    help: "inputs are LOBSTER message files (with their orderbook files) or folders of them",
  },
  tick: {
    type: "number",
    min: 0,
    minExclusive: true,
    defaultHelp: "from the data's prices",
    help: "price tick in the data's price unit (LOBSTER: dollars x 10000)",
  },
  unit: {
    type: "string",
    default: "aes",
    oneOf: ["aes", "lots", "shares"],
    help: "queue size unit: each level's average event size, lots (--lot) or shares",
  },
  lot: {
    type: "number",
    integer: true,
    min: 1,
    help: "shares per lot, with --unit lots",
  },
});
