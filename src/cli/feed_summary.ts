import type { UdpStats } from "../itch/udp_output.ts";
import { thousands } from "./format.ts";

/** What a feed's sender says in a command's summary: faults injected, re-requests served. */
export function senderSummary(s: UdpStats): string[] {
  const parts: string[] = [];
  const f = s.faults;
  if (f) {
    parts.push(
      `faults injected: ${thousands(f.dropped)} packets lost (${
        thousands(f.droppedMessages)
      } messages), ${thousands(f.duplicated)} duplicated (${
        thousands(f.duplicatedMessages)
      } messages), ${thousands(f.reordered)} reordered (${
        thousands(f.reorderedMessages)
      } messages), ${thousands(f.delayed)} delayed`,
    );
  }
  const r = s.retransmit;
  if (r) {
    parts.push(
      `re-requests: ${thousands(r.requests)} answered with ${thousands(r.resent)} messages, ${
        thousands(r.gone)
      } for messages no longer held`,
    );
  }
  return parts;
}
