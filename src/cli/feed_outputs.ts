import { DataError, UsageError, WriteError } from "../core/errors.ts";
import type { FeedOutput } from "../itch/feed_output.ts";
import { TeeOutput } from "../itch/feed_output.ts";
import { ItchFileOutput } from "../itch/itch_file.ts";
import { UdpFeedOutput } from "../itch/udp_output.ts";
import type { UdpOptions } from "../itch/udp_output.ts";

/** Where `itch` and `run` send a feed: daily files, a UDP sender, or both as one output. */
export interface FeedOutputs {
  output: FeedOutput;
  files: ItchFileOutput | null;
  sender: UdpFeedOutput | null;
}

/** The folder of the daily files, named by the flag that gave it. */
export interface FileDestination {
  flag: string;
  dir: string;
  gzip: boolean;
}

/**
 * Opens what the flags ask for (at least one of the two). The sender opens first, so that a
 * folder that cannot be made closes it again.
 */
export async function openFeedOutputs(
  udp: (UdpOptions & { flag: string }) | null,
  files: FileDestination | null,
): Promise<FeedOutputs> {
  const outputs: FeedOutput[] = [];
  let sender: UdpFeedOutput | null = null;
  if (udp) {
    try {
      sender = await UdpFeedOutput.open(udp);
    } catch (e) {
      if (e instanceof UsageError || e instanceof WriteError) throw e;
      throw new UsageError(`${udp.flag}: ${(e as Error).message}`);
    }
    outputs.push(sender);
  }
  let writer: ItchFileOutput | null = null;
  if (files) {
    try {
      Deno.mkdirSync(files.dir, { recursive: true });
    } catch (e) {
      await sender?.close();
      throw new DataError(`${files.flag}: cannot create ${files.dir} (${(e as Error).message})`);
    }
    outputs.push(writer = new ItchFileOutput(files.dir, files.gzip, files.flag));
  }
  const output = outputs.length === 1 ? outputs[0] : new TeeOutput(outputs);
  return { output, files: writer, sender };
}
