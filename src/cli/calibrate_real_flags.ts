import { flags } from "./flags.ts";

/** calibrate's flags for real market data (LOBSTER files, ITCH feeds). */
export const REAL_DATA_FLAGS = flags({
  lobster: {
    type: "boolean",
    help: "inputs are LOBSTER message files (with their orderbook files) or folders of them",
  },
  itch: {
    type: "string",
    help: "an ITCH 5.0 file (gunzipped on the fly if it ends in .gz) to calibrate from",
  },
  symbol: {
    type: "string",
    help:
      "with --itch: the securities, comma-separated (several: --output is a folder, SYM.json each)",
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
