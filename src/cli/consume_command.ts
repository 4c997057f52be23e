import { consumeTopic } from "../consume/consumer.ts";
import type { StartAt } from "../consume/consumer.ts";
import { eventJson, eventText, hasControl } from "../consume/decode.ts";
import { compileFormat, FORMAT_HELP } from "../consume/format_string.ts";
import { parseOffset, parseTime } from "../consume/positions.ts";
import { messageReader } from "../consume/values.ts";
import { RegistryError } from "../kafka/schema_registry.ts";
import { StopFlag } from "../run/stop.ts";
import { DataError, UsageError } from "../core/errors.ts";
import { flags, parseCommand } from "./flags.ts";
import {
  KAFKA_ENV_HELP,
  kafkaConnectionFlags,
  kafkaValueFlags,
  requiredKafkaFromFlags,
} from "./kafka_flags.ts";
import { onStopSignals } from "./signals.ts";

const CONSUME_COMMAND = {
  name: "consume",
  summary: "print the events on a Kafka topic, decoded (a kcat -C for our messages)",
  usage: "qrsdp consume --kafka-brokers HOST:PORT [flags]",
  flags: flags({
    ...kafkaConnectionFlags("required"),
    ...kafkaValueFlags(),
    "from-beginning": {
      type: "boolean",
      help: "start at the first offset of every partition (as --offset beginning)",
    },
    offset: {
      type: "string",
      help: "where each partition starts: beginning, end, N, or -N (N before its end), as kcat -o",
      defaultHelp: "end, or the group's committed offsets with --group",
    },
    "from-time": {
      type: "string",
      help:
        "start each partition at its first message at or after this time (ms since 1970 or ISO 8601 with zone)",
    },
    "to-time": {
      type: "string",
      help: "a partition ends at its first message at or after this time (not shown)",
    },
    partition: {
      type: "number",
      integer: true,
      min: 0,
      max: 2 ** 31 - 1,
      help: "read only this partition",
    },
    group: {
      type: "string",
      check: { test: (g) => g !== "" && !hasControl(g), what: "a consumer group name" },
      help:
        "consumer group: start at its committed offsets and commit as events are shown (as kcat -G)",
    },
    max: { type: "number", integer: true, min: 1, help: "stop after this many events" },
    "to-end": {
      type: "boolean",
      help: "stop at the end of every partition, as it was when consume started (as kcat -e)",
    },
    json: { type: "boolean", help: "one JSON object per event (JSON Lines)" },
    format: {
      type: "string",
      help: "a kcat -f format string per event, e.g. '%p %o %T %k %s\\n' (specifiers below)",
    },
  }),
  notes: `Text: PARTITION@OFFSET[/INDEX] KEY DATE TIME TYPE SIDE PRICE_TICKS QTY ORDER_ID, one event
a line (INDEX: the record's place in a message that packs several). JSON keys: partition, offset,
index, key, date, ts_ns, type, type_name, side, price_ticks, qty, order_id. The consumer group is
the command's own (random, never committed) unless --group names one, so ClickHouse's offsets are
untouched. Without --max, --to-end or --to-time it runs until SIGINT/SIGTERM; with --to-time a
partition also ends at its end when --to-end is given. A message that is not ours is reported on
stderr (partition, offset, why) and passed over; the exit code is then 1.
--format specifiers: ${FORMAT_HELP}; escapes \\n \\t \\r \\\\. Text from the wire (keys,
headers) is shown with control characters escaped (\\x1b).
${KAFKA_ENV_HELP}`,
};

export async function consumeCommand(args: string[]): Promise<number> {
  const parsed = await parseCommand(CONSUME_COMMAND, args);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.json && values.format !== undefined) {
    throw new UsageError("--json and --format: give one of them");
  }
  const starts = [
    values["from-beginning"] ? "--from-beginning" : null,
    values.offset !== undefined ? "--offset" : null,
    values["from-time"] !== undefined ? "--from-time" : null,
  ].filter((f) => f !== null);
  if (starts.length > 1) throw new UsageError(`${starts.join(" and ")}: give one of them`);
  const start: StartAt | undefined = values["from-beginning"]
    ? { kind: "beginning" }
    : values.offset !== undefined
    ? parseOffset(values.offset)
    : values["from-time"] !== undefined
    ? { kind: "time", ms: parseTime("--from-time", values["from-time"]) }
    : undefined;
  const toTimeMs = values["to-time"] === undefined
    ? undefined
    : parseTime("--to-time", values["to-time"]);
  const format = values.format === undefined ? null : compileFormat(values.format);
  // Packing is the producer's: KAFKA_RECORDS_PER_MESSAGE says nothing about what is read.
  const settings = requiredKafkaFromFlags({ ...values, "kafka-records-per-message": 1 });
  const stop = new StopFlag();
  const removeSignals = onStopSignals(() => stop.request());
  const encoder = new TextEncoder();
  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    const bytes = encoder.encode(lines.join(""));
    lines = [];
    for (let at = 0; at < bytes.length;) at += Deno.stdout.writeSync(bytes.subarray(at));
  };
  const timer = setInterval(flush, 100);
  const line = values.json ? eventJson : eventText;
  let undecodable = 0;
  try {
    await consumeTopic(settings, {
      start,
      partition: values.partition,
      toTimeMs,
      group: values.group,
      read: messageReader(settings.valueFormat, settings.schemaRegistry),
      toEnd: values["to-end"],
      max: values.max,
      stop,
      onEvent: format
        ? (e, m) => {
          lines.push(format(e, m));
          if (lines.length >= 2048) flush();
        }
        : (e) => {
          lines.push(line(e), "\n");
          if (lines.length >= 2048) flush();
        },
      onUndecodable: (e) => {
        undecodable++;
        flush();
        console.error(`qrsdp consume: ${e.message} (passed over)`);
      },
    });
  } catch (e) {
    flush();
    if (e instanceof DataError || e instanceof RegistryError) {
      console.error(`qrsdp consume: ${e.message}`);
      return 1;
    }
    if ((e as Error).name?.startsWith("KafkaJS")) {
      console.error(
        `qrsdp consume: ${settings.brokers.join(",")} topic ${settings.topic}: ${
          (e as Error).message
        }`,
      );
      return 1;
    }
    throw e;
  } finally {
    clearInterval(timer);
    flush();
    removeSignals();
  }
  return undecodable > 0 ? 1 : 0;
}
