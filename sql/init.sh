#!/bin/sh
# Applies init.sql to the ClickHouse server, for /docker-entrypoint-initdb.d of the
# clickhouse/clickhouse-server image (whose entrypoint runs this file, or sources it when it is not
# executable, while the server is up for initialisation). The same placeholders and defaults as
# `qrsdp platform init` (src/platform/init_sql.ts): each value is escaped for a SQL string literal.
#   QRSDP_INIT_SQL   the script to apply (default: init.sql beside this file). When this file is in
#                    /docker-entrypoint-initdb.d, keep init.sql elsewhere or the entrypoint also
#                    runs it unsubstituted (harmless, as every statement is IF NOT EXISTS, but noisy).
#   CLICKHOUSE_USER, CLICKHOUSE_PASSWORD   credentials; the password reaches clickhouse client
#                    through its environment, never the command line.
#   CLICKHOUSE_INIT_HOST   the server (default 127.0.0.1, where the entrypoint's server listens).
# Everything runs in a subshell, so sourcing this file leaks no options or variables.
(
  set -eu
  here=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE:-$0}")" && pwd)
  sql=${QRSDP_INIT_SQL:-$here/init.sql}
  if [ ! -r "$sql" ]; then
    echo "init.sh: cannot read $sql" >&2
    exit 1
  fi
  KAFKA_BROKERS=${KAFKA_BROKERS:-kafka:9092}
  KAFKA_TOPIC=${KAFKA_TOPIC:-exchange.events}
  KAFKA_SECURITY_PROTOCOL=${KAFKA_SECURITY_PROTOCOL:-PLAINTEXT}
  KAFKA_SASL_MECHANISM=${KAFKA_SASL_MECHANISM:-PLAIN}
  KAFKA_SASL_USERNAME=${KAFKA_SASL_USERNAME:-}
  KAFKA_SASL_PASSWORD=${KAFKA_SASL_PASSWORD:-}
  SCHEMA_REGISTRY_URL=${SCHEMA_REGISTRY_URL:-http://schema-registry:8081}
  export KAFKA_BROKERS KAFKA_TOPIC KAFKA_SECURITY_PROTOCOL KAFKA_SASL_MECHANISM \
    KAFKA_SASL_USERNAME KAFKA_SASL_PASSWORD SCHEMA_REGISTRY_URL

  # Values come from ENVIRON (awk -v would interpret backslashes) and are spliced in with
  # substr, not gsub, whose replacement text treats & and \ specially.
  text=$(awk '
    BEGIN {
      split("KAFKA_BROKERS KAFKA_TOPIC KAFKA_SECURITY_PROTOCOL KAFKA_SASL_MECHANISM " \
        "KAFKA_SASL_USERNAME KAFKA_SASL_PASSWORD SCHEMA_REGISTRY_URL", names, " ")
      for (k in names) known[names[k]] = 1
    }
    function literal(s,   out, i, c) {
      out = ""
      for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "\\" || c == "\047") out = out "\\"
        out = out c
      }
      return out
    }
    {
      line = $0
      out = ""
      while ((i = index(line, "${")) > 0) {
        rest = substr(line, i + 2)
        j = index(rest, "}")
        name = j > 1 ? substr(rest, 1, j - 1) : ""
        if (name == "" || name ~ /[^A-Z0-9_]/) {
          out = out substr(line, 1, i + 1)
          line = rest
          continue
        }
        if (!(name in known)) {
          printf "init.sh: init.sql needs ${%s}, which has no value\n", name > "/dev/stderr"
          exit 2
        }
        out = out substr(line, 1, i - 1) literal(ENVIRON[name])
        line = substr(rest, j + 1)
      }
      print out line
    }
  ' "$sql")

  set -- --multiquery --host "${CLICKHOUSE_INIT_HOST:-127.0.0.1}"
  if [ -n "${CLICKHOUSE_USER:-}" ]; then
    set -- "$@" --user "$CLICKHOUSE_USER"
  fi
  if [ -n "${CLICKHOUSE_PASSWORD:-}" ]; then
    export CLICKHOUSE_PASSWORD
  fi
  printf '%s\n' "$text" | clickhouse client "$@"
  echo "init.sh: applied $sql (Kafka $KAFKA_BROKERS, topic $KAFKA_TOPIC)"
)
