-- The Kafka consumer for Avro values (qrsdp run --kafka-format avro --schema-registry URL): one
-- event per message in the Confluent wire format (a magic byte 0 and the schema's registry id,
-- then the Avro record); ClickHouse fetches the schema by that id from SCHEMA_REGISTRY_URL. Apply
-- it after init.sql (it writes into exchange_events), in place of init.sql's RowBinary consumer
-- for such a topic. The same placeholders and settings as init.sql but the format and the
-- registry; a message that does not parse is kept in exchange_events_errors, its value as received.
CREATE TABLE IF NOT EXISTS exchange_events_kafka_avro
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
    kafka_group_name = 'qrsdp_clickhouse_avro',
    kafka_format = 'AvroConfluent',
    format_avro_schema_registry_url = '${SCHEMA_REGISTRY_URL}',
    kafka_handle_error_mode = 'stream',
    kafka_flush_interval_ms = 500,
    kafka_poll_timeout_ms = 100,
    kafka_consumer_reschedule_ms = 250,
    kafka_security_protocol = '${KAFKA_SECURITY_PROTOCOL}',
    kafka_sasl_mechanism = '${KAFKA_SASL_MECHANISM}',
    kafka_sasl_username = '${KAFKA_SASL_USERNAME}',
    kafka_sasl_password = '${KAFKA_SASL_PASSWORD}';

CREATE MATERIALIZED VIEW IF NOT EXISTS exchange_events_avro_mv TO exchange_events AS
SELECT symbol, date, ts_ns, type, side, price_ticks, qty, order_id
FROM exchange_events_kafka_avro
WHERE _error = '';

CREATE MATERIALIZED VIEW IF NOT EXISTS exchange_events_avro_errors_mv TO exchange_events_errors AS
SELECT
    now('UTC') AS received_at,
    _topic AS topic,
    _partition AS partition,
    _offset AS offset,
    _key AS key,
    _raw_message AS raw_message,
    replaceRegexpOne(_error, '\\s+$', '') AS error
FROM exchange_events_kafka_avro
WHERE _error != '';
