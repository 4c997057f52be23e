-- The streaming platform's ClickHouse objects for a cluster of shards and replicas: the same
-- tables, columns and views as sql/init.sql (tests/cluster_sql_test.ts checks it), laid out as
-- each table's data in a replicated `_local` table on every shard and a Distributed table of the
-- same name over them, so that queries and the views read as on a single node.
-- `qrsdp platform init --cluster NAME` applies it (NAME is a cluster of the servers'
-- remote_servers; the servers need ClickHouse Keeper or ZooKeeper, and the macros {shard} and
-- {replica} in their config). The placeholders are those of sql/init.sql and CLICKHOUSE_CLUSTER.
--
-- Sharding: every table is sharded by cityHash64(symbol), so each symbol's events, its BBO state
-- and every copy of a redelivered message land on one shard, where ReplacingMergeTree drops the
-- copies ((symbol, date, order_id) is the dedup key, as on a single node).
-- Consumption: the Kafka table exists on every shard with one consumer group, so Kafka spreads
-- the topic's partitions over the shards (a topic needs at least as many partitions as there are
-- shards for every shard to consume; see `qrsdp platform topic --partitions`). Its view writes
-- into the Distributed table, which sends each row to its symbol's shard.

CREATE TABLE IF NOT EXISTS exchange_events_kafka ON CLUSTER '${CLICKHOUSE_CLUSTER}'
(
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
    kafka_group_name = 'qrsdp_clickhouse',
    kafka_format = 'RowBinary',
    kafka_handle_error_mode = 'stream',
    kafka_flush_interval_ms = 500,
    kafka_poll_timeout_ms = 100,
    kafka_consumer_reschedule_ms = 250,
    kafka_security_protocol = '${KAFKA_SECURITY_PROTOCOL}',
    kafka_sasl_mechanism = '${KAFKA_SASL_MECHANISM}',
    kafka_sasl_username = '${KAFKA_SASL_USERNAME}',
    kafka_sasl_password = '${KAFKA_SASL_PASSWORD}',
    kafka_num_consumers = 1,
    kafka_thread_per_consumer = 1;

CREATE TABLE IF NOT EXISTS exchange_events_local ON CLUSTER '${CLICKHOUSE_CLUSTER}'
(
    symbol LowCardinality(String),
    date Date,
    ts_ns UInt64,
    type UInt8,
    side UInt8,
    price_ticks Int32,
    qty UInt32,
    order_id UInt64,
    type_name LowCardinality(String) DEFAULT transform(
        type,
        [0, 1, 2, 3, 4, 5],
        ['ADD_BID', 'ADD_ASK', 'CANCEL_BID', 'CANCEL_ASK', 'EXECUTE_BUY', 'EXECUTE_SELL'],
        'UNKNOWN'),
    event_time DateTime64(9, 'UTC') DEFAULT fromUnixTimestamp64Nano(
        toInt64(toUInt16(date)) * 86400000000000 + toInt64(ts_ns), 'UTC')
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/exchange_events', '{replica}')
PARTITION BY (symbol, date)
ORDER BY (symbol, date, order_id);

CREATE TABLE IF NOT EXISTS exchange_events ON CLUSTER '${CLICKHOUSE_CLUSTER}'
AS exchange_events_local
ENGINE = Distributed('${CLICKHOUSE_CLUSTER}', currentDatabase(), exchange_events_local, cityHash64(symbol));

CREATE TABLE IF NOT EXISTS exchange_events_errors_local ON CLUSTER '${CLICKHOUSE_CLUSTER}'
(
    received_at DateTime('UTC'),
    topic LowCardinality(String),
    partition UInt64,
    offset UInt64,
    key String,
    raw_message String,
    error String
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/exchange_events_errors', '{replica}')
ORDER BY (received_at, topic, partition, offset);

CREATE TABLE IF NOT EXISTS exchange_events_errors ON CLUSTER '${CLICKHOUSE_CLUSTER}'
AS exchange_events_errors_local
ENGINE = Distributed('${CLICKHOUSE_CLUSTER}', currentDatabase(), exchange_events_errors_local, cityHash64(key));

CREATE TABLE IF NOT EXISTS current_bbo_local ON CLUSTER '${CLICKHOUSE_CLUSTER}'
(
    symbol LowCardinality(String),
    best_bid AggregateFunction(argMax, Int32, Tuple(Date, UInt64)),
    best_ask AggregateFunction(argMax, Int32, Tuple(Date, UInt64)),
    bid_trades SimpleAggregateFunction(sum, UInt64),
    ask_trades SimpleAggregateFunction(sum, UInt64)
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/current_bbo', '{replica}')
ORDER BY symbol;

CREATE TABLE IF NOT EXISTS current_bbo ON CLUSTER '${CLICKHOUSE_CLUSTER}'
AS current_bbo_local
ENGINE = Distributed('${CLICKHOUSE_CLUSTER}', currentDatabase(), current_bbo_local, cityHash64(symbol));

-- On every shard, fed by the rows that shard stores: a symbol's trades are all on its shard.
CREATE MATERIALIZED VIEW IF NOT EXISTS current_bbo_mv ON CLUSTER '${CLICKHOUSE_CLUSTER}' TO current_bbo_local AS
SELECT
    symbol,
    argMaxStateIf(price_ticks, (date, ts_ns), type = 5) AS best_bid,
    argMaxStateIf(price_ticks, (date, ts_ns), type = 4) AS best_ask,
    countIf(type = 5) AS bid_trades,
    countIf(type = 4) AS ask_trades
FROM exchange_events_local
WHERE type IN (4, 5)
GROUP BY symbol;

CREATE VIEW IF NOT EXISTS v_current_midprice ON CLUSTER '${CLICKHOUSE_CLUSTER}' AS
SELECT
    symbol,
    if(sum(bid_trades) > 0, argMaxMerge(best_bid), NULL) AS best_bid_ticks,
    if(sum(ask_trades) > 0, argMaxMerge(best_ask), NULL) AS best_ask_ticks,
    (best_bid_ticks + best_ask_ticks) / 2 AS midprice_ticks
FROM current_bbo
GROUP BY symbol;

-- As in sql/init.sql: the date from the `date` header, else the message timestamp's UTC date.
CREATE MATERIALIZED VIEW IF NOT EXISTS exchange_events_mv ON CLUSTER '${CLICKHOUSE_CLUSTER}' TO exchange_events AS
WITH _headers.value[indexOf(_headers.name, 'date')] AS date_header,
    has(_headers.name, 'date') AS has_date_header,
    if(has_date_header, toString(toDateOrNull(date_header)) = date_header, _timestamp IS NOT NULL)
        AS date_ok
SELECT
    _key AS symbol,
    if(has_date_header, toDateOrZero(date_header), toDate(assumeNotNull(_timestamp), 'UTC')) AS date,
    ts_ns,
    type,
    side,
    price_ticks,
    qty,
    order_id
FROM exchange_events_kafka
WHERE _error = '' AND _key != '' AND date_ok;

CREATE MATERIALIZED VIEW IF NOT EXISTS exchange_events_errors_mv ON CLUSTER '${CLICKHOUSE_CLUSTER}' TO exchange_events_errors AS
WITH _headers.value[indexOf(_headers.name, 'date')] AS date_header,
    has(_headers.name, 'date') AS has_date_header,
    if(has_date_header, toString(toDateOrNull(date_header)) = date_header, _timestamp IS NOT NULL)
        AS date_ok
SELECT
    now('UTC') AS received_at,
    _topic AS topic,
    _partition AS partition,
    _offset AS offset,
    _key AS key,
    if(_error != '', _raw_message,
        formatRow('RowBinary', ts_ns, type, side, price_ticks, qty, order_id)) AS raw_message,
    multiIf(
        _error != '', replaceRegexpOne(_error, '\\s+$', ''),
        _key = '', 'message has no key (the symbol)',
        NOT has_date_header, 'message has no date header and no timestamp',
        concat('date header is not a YYYY-MM-DD date: ', date_header)
    ) AS error
FROM exchange_events_kafka
WHERE _error != '' OR _key = '' OR NOT ifNull(date_ok, 0);
