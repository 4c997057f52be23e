-- The Kafka consumer for JSON values (qrsdp run --kafka-format json): one object per message
-- with the columns of exchange_events, symbol and date among them. Apply it after init.sql (it
-- writes into exchange_events), in place of init.sql's RowBinary consumer for such a topic. The
-- same placeholders and settings as init.sql but the format; a message that does not parse is
-- kept in exchange_events_errors, its value as received.
CREATE TABLE IF NOT EXISTS exchange_events_kafka_json
(
    symbol String,
    date Date,
    ts_ns UInt64,
    type UInt8,
    side UInt8,
    price_ticks Int32,
    qty UInt32,
    order_id UInt64
)
ENGINE = Kafka
SETTINGS
    kafka_broker_list = '${KAFKA_BROKERS}',
    kafka_topic_list = '${KAFKA_TOPIC}',
    kafka_group_name = 'qrsdp_clickhouse_json',
    kafka_format = 'JSONEachRow',
    kafka_handle_error_mode = 'stream',
    kafka_flush_interval_ms = 500,
    kafka_poll_timeout_ms = 100,
    kafka_consumer_reschedule_ms = 250,
    kafka_security_protocol = '${KAFKA_SECURITY_PROTOCOL}',
    kafka_sasl_mechanism = '${KAFKA_SASL_MECHANISM}',
    kafka_sasl_username = '${KAFKA_SASL_USERNAME}',
    kafka_sasl_password = '${KAFKA_SASL_PASSWORD}';

CREATE MATERIALIZED VIEW IF NOT EXISTS exchange_events_json_mv TO exchange_events AS
SELECT symbol, date, ts_ns, type, side, price_ticks, qty, order_id
FROM exchange_events_kafka_json
WHERE _error = '';

CREATE MATERIALIZED VIEW IF NOT EXISTS exchange_events_json_errors_mv TO exchange_events_errors AS
SELECT
    now('UTC') AS received_at,
    _topic AS topic,
    _partition AS partition,
    _offset AS offset,
    _key AS key,
    _raw_message AS raw_message,
    replaceRegexpOne(_error, '\\s+$', '') AS error
FROM exchange_events_kafka_json
WHERE _error != '';
