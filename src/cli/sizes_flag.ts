import { DataError, UsageError } from "../core/errors.ts";
import { readRegularText } from "../core/safe_read.ts";
import { empiricalSizes, parseSizeSpec } from "../model/order_sizes.ts";
import type { SizeDistribution } from "../model/order_sizes.ts";

/**
 * `--sizes`: `fixed` (null: one lot an order), `geometric:MEAN`, `lognormal:MU,SIGMA`, or a
 * JSON file (a calibrated curves file) whose `order_sizes` maps a size in lots to its count.
 */
export function orderSizesFromFlag(text: string): SizeDistribution | null {
  if (text === "fixed") return null;
  if (/^(geometric|lognormal):/.test(text) || !text.includes("/") && !text.endsWith(".json")) {
    const d = parseSizeSpec(text);
    if (typeof d === "string") throw new UsageError(`--sizes: '${text}': ${d}`);
    return d;
  }
  let json: unknown;
  try {
    json = JSON.parse(readRegularText(text));
  } catch (e) {
    throw new DataError(`--sizes: ${text}: ${(e as Error).message}`);
  }
  const d = empiricalSizes((json as { order_sizes?: unknown } | null)?.order_sizes);
  if (typeof d === "string") throw new DataError(`--sizes: ${text}: ${d}`);
  return d;
}
