import type { PacingSettings } from "../run/pacer.ts";
import { flags } from "./flags.ts";
import type { FlagValues } from "./flags.ts";

/** --realtime, --speed and --overnight-seconds, for every command that paces events. */
export const PACING_FLAGS = flags({
  realtime: { type: "boolean", help: "pace events to their simulated time" },
  speed: {
    type: "number",
    default: 100,
    // A thousandth (a simulated second every 17 minutes) to a billion: beyond, a run never ends
    // or pacing means nothing.
    min: 0.001,
    max: 1e9,
    help: "with --realtime: simulated seconds per wall second",
  },
  "overnight-seconds": {
    type: "number",
    default: 3,
    min: 0,
    help: "with --realtime: pause between days",
  },
});

export function pacingFromFlags(values: FlagValues<typeof PACING_FLAGS>): PacingSettings {
  return {
    realtime: values.realtime,
    speed: values.speed,
    overnightSeconds: values["overnight-seconds"],
  };
}
