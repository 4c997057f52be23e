import { DataError, UsageError } from "../core/errors.ts";
import { inferTick, readLobster } from "./lobster_source.ts";
import type { LobsterPair } from "./lobster_source.ts";
import { addPass, calibrateReal } from "./real_calibrate.ts";
import type { PassSummary, RealCalibration, RealSettings } from "./real_calibrate.ts";

const MESSAGE = /_message_(\d+)\.csv$/;
const ORDERBOOK = /_orderbook_(\d+)\.csv$/;

/**
 * LOBSTER inputs as message/orderbook pairs: folders stand for their message files (and the
 * orderbook files beside them); an orderbook file pairs with the message file of the same stem,
 * or, for one message file and one orderbook file given together, with that one.
 */
export function lobsterPairs(inputs: string[]): LobsterPair[] {
  const messages: string[] = [], orderbooks: string[] = [];
  for (const input of inputs) {
    let isDirectory: boolean;
    try {
      isDirectory = Deno.statSync(input).isDirectory;
    } catch (e) {
      throw new DataError(`cannot read (${(e as Error).message})`, { source: input });
    }
    if (!isDirectory) {
      (ORDERBOOK.test(input) ? orderbooks : messages).push(input);
      continue;
    }
    const dir = input.replace(/\/+$/, "") || "/";
    const names = [...Deno.readDirSync(dir)].filter((e) => e.isFile).map((e) => e.name).sort();
    const found = names.filter((n) => MESSAGE.test(n));
    if (found.length === 0) {
      throw new DataError("no LOBSTER message file (*_message_N.csv) in the folder", {
        source: input,
      });
    }
    for (const name of found) {
      messages.push(`${dir}/${name}`);
      const book = name.replace(MESSAGE, "_orderbook_$1.csv");
      if (names.includes(book)) orderbooks.push(`${dir}/${book}`);
    }
  }
  if (messages.length === 0) throw new UsageError("--lobster: no message file given");
  const unpaired = new Set(orderbooks);
  const pairs = messages.map((message): LobsterPair => {
    const book = message.replace(MESSAGE, "_orderbook_$1.csv");
    if (unpaired.has(book)) {
      unpaired.delete(book);
      return { message, orderbook: book };
    }
    return { message, orderbook: null };
  });
  if (unpaired.size === 1 && pairs.length === 1 && pairs[0].orderbook === null) {
    pairs[0].orderbook = [...unpaired][0];
    unpaired.clear();
  }
  if (unpaired.size > 0) {
    throw new UsageError(`--lobster: ${[...unpaired][0]} has no message file to go with`);
  }
  return pairs;
}

/** A LOBSTER message file and its orderbook file beside it, when there is one. */
export function withOrderbook(message: string): string[] {
  const book = message.replace(MESSAGE, "_orderbook_$1.csv");
  if (book === message) return [message];
  try {
    return Deno.statSync(book).isFile ? [message, book] : [message];
  } catch {
    return [message];
  }
}

/** Calibrates from LOBSTER pairs; orderbook files are checked in a worker from `workerUrl` if given. */
export function calibrateLobster(
  pairs: LobsterPair[],
  settings: RealSettings,
  workerUrl?: string | URL,
): Promise<RealCalibration> {
  const tick = settings.tick ?? inferTick(pairs[0].message);
  return calibrateReal(settings, tick, (view, nextInput) => {
    let total: PassSummary | null = null;
    for (const pair of pairs) {
      nextInput();
      total = addPass(total, readLobster(pair, tick, view, workerUrl));
    }
    return total!;
  });
}
