import { inferItchTick, readItch } from "./itch_source.ts";
import { calibrateReal } from "./real_calibrate.ts";
import type { RealCalibration, RealSettings } from "./real_calibrate.ts";

/** Calibrates each symbol of an ITCH 5.0 file (plain or .gz), one result per symbol. */
export async function calibrateItch(
  path: string,
  symbols: string[],
  settings: RealSettings,
): Promise<Map<string, RealCalibration>> {
  const tick = settings.tick ?? await inferItchTick(path);
  const out = new Map<string, RealCalibration>();
  for (const symbol of symbols) {
    out.set(
      symbol,
      await calibrateReal(settings, tick, async (view, nextInput) => {
        nextInput();
        return (await readItch(path, tick, new Map([[symbol, view]]))).get(symbol)!;
      }),
    );
  }
  return out;
}
