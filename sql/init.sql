-- ClickHouse objects of the streaming platform (platform.md, "ClickHouse"). Idempotent: every
-- statement is CREATE ... IF NOT EXISTS, so applying it again changes nothing (and so does not
-- alter objects created by an older version of this file).
--
-- The placeholders (a dollar sign and a variable name in braces: KAFKA_BROKERS, KAFKA_TOPIC,
-- KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD) are
-- replaced before the script runs, by sql/init.sh in the ClickHouse container and by
-- `qrsdp platform init`. Both escape ' and \ for a string literal, so a placeholder may stand
-- only inside single quotes, never in a comment or bare.
--
-- One Kafka message = one 26-byte record (format.md) as the value, the security's symbol as the
-- key ("DEFAULT" for an unnamed security) and the simulated trading date as header `date`
-- (YYYY-MM-DD). The date comes from that header, never from the server's clock, so a day
-- streamed today keeps its simulated date. A message with no `date` header (the C++ reference
-- producer sends none) takes the UTC date of its message timestamp, as the C++ reference
-- platform does; one with neither goes to the errors table.

-- 1. The consumer. With kafka_handle_error_mode = 'stream' a message that is not a RowBinary row
-- comes through as a row with _error and _raw_message set instead of stopping the consumer;
-- exchange_events_errors_mv keeps those. The flush interval (default 7.5 s), poll timeout and
-- reschedule delay are lowered so that rows are queryable about a second after they are produced.
-- A value of several whole records gives several rows; one with a partial record is an error as a
-- whole. The engine drops empty (zero-byte) messages before any view sees them.
CREATE TABLE IF NOT EXISTS exchange_events_kafka
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
    kafka_sasl_password = '${KAFKA_SASL_PASSWORD}';

-- 2. Every event. ts_ns counts nanoseconds from midnight of the trading date in the market's
-- local time (format.md; model.md: ts_ns = market_open_ns + t). The records carry no time zone,
-- so event_time is that local wall-clock time written as UTC: date at 00:00 UTC plus ts_ns. It is
-- computed with integer arithmetic, so the server's time zone cannot shift it, and it runs past
-- midnight into the next day if a session does.
-- Each block the consumer inserts may touch at most max_partitions_per_insert_block (100)
-- (symbol, date) partitions; a block over that fails again and again and ingestion stops. A server
-- streaming more symbols (or symbol-days per block) needs that limit lifted in its default profile
-- (max_partitions_per_insert_block = 0), as docker/clickhouse/users.d/qrsdp.xml does.
-- The sorting key is the dedup key: order_id numbers the events of a session from 1, so
-- (symbol, date, order_id) names one event. A message delivered twice (a producer's retry after a
-- lost acknowledgement, a restarted run, the Kafka engine re-reading after a rebalance) gives a
-- second row with the same key, which ReplacingMergeTree drops when it merges parts; queries that
-- must not see duplicates before that use FINAL (`qrsdp reconcile` counts them first).
-- ReplacingMergeTree rather than insert deduplication: the Kafka engine's blocks differ from one
-- delivery to the next, so a block hash would not catch a redelivered message.
CREATE TABLE IF NOT EXISTS exchange_events
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
ENGINE = ReplacingMergeTree
PARTITION BY (symbol, date)
ORDER BY (symbol, date, order_id);

-- 3. Messages that could not be taken: not a RowBinary row (the engine's parse error), no key, or
-- no valid `date` header. raw_message holds the message value as received; for a row that parsed
-- but lacks its key or date it is the row's 26 bytes.
CREATE TABLE IF NOT EXISTS exchange_events_errors
(
    received_at DateTime('UTC'),
    topic LowCardinality(String),
    partition UInt64,
    offset UInt64,
    key String,
    raw_message String,
    error String
)
ENGINE = MergeTree
ORDER BY (received_at, topic, partition, offset);

-- 4. Latest trade-implied best bid (price of the latest EXECUTE_SELL, type 5: a sell hits the bid)
-- and best ask (latest EXECUTE_BUY, type 4), per symbol. "Latest" is by (date, ts_ns): ts_ns
-- alone restarts every day. The trade counts tell a side that has not traded yet from a price.
CREATE TABLE IF NOT EXISTS current_bbo
(
    symbol LowCardinality(String),
    best_bid AggregateFunction(argMax, Int32, Tuple(Date, UInt64)),
    best_ask AggregateFunction(argMax, Int32, Tuple(Date, UInt64)),
    bid_trades SimpleAggregateFunction(sum, UInt64),
    ask_trades SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
ORDER BY symbol;

-- Fed by every insert into exchange_events (whatever writes there), executions only.
CREATE MATERIALIZED VIEW IF NOT EXISTS current_bbo_mv TO current_bbo AS
SELECT
    symbol,
    argMaxStateIf(price_ticks, (date, ts_ns), type = 5) AS best_bid,
    argMaxStateIf(price_ticks, (date, ts_ns), type = 4) AS best_ask,
    countIf(type = 5) AS bid_trades,
    countIf(type = 4) AS ask_trades
FROM exchange_events
WHERE type IN (4, 5)
GROUP BY symbol;

-- 5. One row per symbol that has traded. A side that has not traded yet is NULL, and so is the
-- midprice until both sides have traded.
CREATE VIEW IF NOT EXISTS v_current_midprice AS
SELECT
    symbol,
    if(sum(bid_trades) > 0, argMaxMerge(best_bid), NULL) AS best_bid_ticks,
    if(sum(ask_trades) > 0, argMaxMerge(best_ask), NULL) AS best_ask_ticks,
    (best_bid_ticks + best_ask_ticks) / 2 AS midprice_ticks
FROM current_bbo
GROUP BY symbol;

-- The two views on the Kafka table come last: consumption starts when the first is attached, and
-- everything they write into must exist by then. Events first: a block read before the errors
-- view is attached can lose only its bad messages. A header date is valid only if it reads back
-- unchanged (toDateOrNull alone takes 2026-1-5 and turns 2026-02-30 into March); without the
-- header, the date is the message timestamp's in UTC (date_ok: the row has a date).
CREATE MATERIALIZED VIEW IF NOT EXISTS exchange_events_mv TO exchange_events AS
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

CREATE MATERIALIZED VIEW IF NOT EXISTS exchange_events_errors_mv TO exchange_events_errors AS
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
