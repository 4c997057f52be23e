import { initSqlVariables, splitStatements, substitute } from "../platform/init_sql.ts";
import { CLICKHOUSE_ENV_HELP, CLICKHOUSE_FLAGS, connect } from "./clickhouse_options.ts";
import { DataError, UsageError } from "./errors.ts";
import { flagHelp } from "./help.ts";
import { parseFlags } from "./parse.ts";

const FLAGS = {
  sql: {
    type: "string",
    default: "sql/init.sql beside the program",
    help: "the SQL script to apply",
  },
  ...CLICKHOUSE_FLAGS,
} as const;

const HELP = `qrsdp platform init: create the ClickHouse tables and views (idempotent)

Usage: qrsdp platform init [flags]

${flagHelp(FLAGS)}

\${KAFKA_BROKERS}, \${KAFKA_TOPIC}, \${KAFKA_SECURITY_PROTOCOL}, \${KAFKA_SASL_MECHANISM},
\${KAFKA_SASL_USERNAME} and \${KAFKA_SASL_PASSWORD} in the script take the values of those
variables (defaults kafka:9092, exchange.events, PLAINTEXT). ${CLICKHOUSE_ENV_HELP}`;

/** init.sql: beside the executable (release archives), else in the source tree. */
function defaultSqlPath(): string {
  const exeDir = Deno.execPath().replace(/[/\\][^/\\]*$/, "");
  const candidates = [
    `${exeDir}/sql/init.sql`,
    new URL("../../sql/init.sql", import.meta.url).pathname,
  ];
  return candidates.find((p) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  }) ?? candidates[candidates.length - 1];
}

export async function platformCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "init") {
    if (sub === undefined || sub === "--help" || sub === "-h") {
      console.log(HELP);
      return sub === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown subcommand '${sub}' (only 'platform init')`);
  }
  const { values } = parseFlags(rest, FLAGS, "platform init");
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const path = values.sql ?? defaultSqlPath();
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    throw new DataError(`${path}: cannot read (${(e as Error).message})`);
  }
  const statements = splitStatements(substitute(text, initSqlVariables((n) => Deno.env.get(n))));
  const ch = connect(values);
  try {
    for (const [i, statement] of statements.entries()) {
      try {
        await ch.command(statement);
      } catch (e) {
        const head = statement.split("\n").find((l) => l.trim()) ?? "";
        throw new DataError(
          `${path}: statement ${i + 1} (${head.trim().slice(0, 60)}): ${(e as Error).message}`,
        );
      }
    }
  } finally {
    await ch.close();
  }
  console.log(`applied ${statements.length} statements from ${path}`);
  return 0;
}
