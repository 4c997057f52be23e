import { consumeTopic } from "../consume/consumer.ts";
import { eventJson, eventText } from "../consume/decode.ts";
import { StopFlag } from "../run/stop.ts";
import { DataError, UsageError } from "../core/errors.ts";
import { flags, parseCommand } from "./flags.ts";
import { KAFKA_ENV_HELP, kafkaConnectionFlags, requiredKafkaFromFlags } from "./kafka_flags.ts";
import { onStopSignals } from "./signals.ts";

const CONSUME_COMMAND = {
  name: "consume",
  summary: "print the events on a Kafka topic, decoded (a kcat -C for our messages)",
  usage: "qrsdp consume --kafka-brokers HOST:PORT [flags]",
  flags: flags({
    ...kafkaConnectionFlags("required"),
    "from-beginning": {
      type: "boolean",
      help: "start at the first offset of every partition (else: events produced from now on)",
    },
    max: { type: "number", integer: true, min: 1, help: "stop after this many events" },
    "to-end": {
      type: "boolean",
      help: "stop at the end of every partition, as it was when consume started (as kcat -e)",
    },
    json: { type: "boolean", help: "one JSON object per event (JSON Lines)" },
  }),
  notes: `Text: PARTITION@OFFSET[/INDEX] KEY DATE TIME TYPE SIDE PRICE_TICKS QTY ORDER_ID, one event
a line (INDEX: the record's place in a message that packs several). JSON keys: partition, offset,
index, key, date, ts_ns, type, type_name, side, price_ticks, qty, order_id. The consumer group is
the command's own (random, never committed), so ClickHouse's offsets are untouched. Without --max
or --to-end it runs until SIGINT/SIGTERM.
${KAFKA_ENV_HELP}`,
};

export async function consumeCommand(args: string[]): Promise<number> {
  const parsed = await parseCommand(CONSUME_COMMAND, args);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const settings = requiredKafkaFromFlags(values);
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
  const format = values.json ? eventJson : eventText;
  try {
    await consumeTopic(settings, {
      fromBeginning: values["from-beginning"],
      toEnd: values["to-end"],
      max: values.max,
      stop,
      onEvent: (e) => {
        lines.push(format(e), "\n");
        if (lines.length >= 2048) flush();
      },
    });
  } catch (e) {
    flush();
    if (e instanceof DataError) {
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
  return 0;
}
