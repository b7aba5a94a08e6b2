-- signals: one row per signal.detected, whether it was notified and followed by a trade.
-- inputs:  events[signal.detected, signal.notified], trades
-- outputs: signal_follow (macro), _time_bucket (macro), signals
-- followed: a trade linked by signal_id, else the first trade on the same symbol and direction
-- (and account, when the signal has one) opened within N minutes after the signal
-- (signals uses N = 30; signal_follow(minutes) gives any N).
-- _time_bucket(ts, us): floor(epoch_us(ts) / us), exact for negative epochs too.
CREATE OR REPLACE MACRO _time_bucket(ts, us) AS
    (epoch_us(ts) - ((epoch_us(ts) % us) + us) % us) // us;

CREATE OR REPLACE MACRO signal_follow(minutes := 30) AS TABLE
WITH s AS (
    SELECT * FROM (
        SELECT *, row_number() OVER (PARTITION BY signal_id ORDER BY seq) AS rn
        FROM events WHERE type = 'signal.detected'
    ) WHERE rn = 1
),
w AS (SELECT greatest(abs(CAST(minutes AS BIGINT)), 1) * 60000000 AS us),
cand AS (
    -- linked by signal_id, or (t.signal_id IS NULL: disjoint) same symbol and direction within
    -- the window; the window part joins on time buckets as wide as the window (a trade within
    -- it is in the signal's bucket or the next), so both halves are hash joins
    SELECT s.signal_id, t.trade_id, t.position_id, t.open_ts, t.status, t.net_pnl, t.r_multiple,
        (t.signal_id IS NOT DISTINCT FROM s.signal_id) AS linked
    FROM s JOIN trades t ON t.signal_id = s.signal_id
    UNION ALL
    SELECT s.signal_id, t.trade_id, t.position_id, t.open_ts, t.status, t.net_pnl, t.r_multiple,
        (t.signal_id IS NOT DISTINCT FROM s.signal_id) AS linked
    FROM (SELECT s.*, unnest([_time_bucket(s.ts, w.us), _time_bucket(s.ts, w.us) + 1]) AS bucket
          FROM s, w) s
    JOIN (SELECT t.*, _time_bucket(t.open_ts, w.us) AS bucket
          FROM trades t, w WHERE t.signal_id IS NULL) t
      ON t.bucket = s.bucket AND t.symbol = s.symbol AND upper(t.side) = s.direction
      AND (s.account IS NULL OR t.account = s.account)
      AND t.open_ts >= s.ts AND t.open_ts <= s.ts + to_minutes(CAST(minutes AS BIGINT))
),
best AS (
    SELECT * FROM (
        SELECT *, row_number() OVER (PARTITION BY signal_id ORDER BY linked DESC, open_ts, trade_id) AS rn
        FROM cand
    ) WHERE rn = 1
)
SELECT s.signal_id, b.trade_id, b.position_id, b.open_ts, b.status, b.net_pnl, b.r_multiple,
    b.linked, (epoch_us(b.open_ts) - epoch_us(s.ts)) / 60e6 AS minutes_to_trade
FROM s LEFT JOIN best b USING (signal_id);

CREATE OR REPLACE TABLE signals AS
WITH s AS (
    SELECT signal_id, seq, ts, account, symbol, timeframe, direction, confidence, rsi, adx, atr,
        regime, reason, price
    FROM (
        SELECT *, row_number() OVER (PARTITION BY signal_id ORDER BY seq) AS rn
        FROM events WHERE type = 'signal.detected'
    ) WHERE rn = 1
),
n AS (
    SELECT signal_id, count(*) AS notifications, min(ts) AS notified_ts,
        count(DISTINCT chat_id) AS chats
    FROM events WHERE type = 'signal.notified' GROUP BY signal_id
)
SELECT s.signal_id, s.seq, s.ts, s.account, s.symbol, s.timeframe, s.direction, s.confidence,
    s.rsi, s.adx, s.atr, s.regime, s.reason, s.price,
    n.notified_ts IS NOT NULL AS notified, n.notified_ts, coalesce(n.notifications, 0) AS notifications,
    coalesce(n.chats, 0) AS chats,
    f.trade_id IS NOT NULL AS followed, f.linked AS followed_by_link,
    f.trade_id AS followed_trade_id, f.position_id AS followed_position_id,
    f.minutes_to_trade, f.status AS trade_status, f.net_pnl AS trade_net_pnl,
    f.r_multiple AS trade_r_multiple
FROM s
LEFT JOIN n USING (signal_id)
LEFT JOIN signal_follow(30) f USING (signal_id);

COMMENT ON TABLE signals IS 'One row per scanner signal: notified?, followed by a trade within 30 minutes (or linked by signal_id)?, that trade''s result.';
COMMENT ON COLUMN signals.followed IS 'a trade carries this signal_id, or one on the same symbol and side opened within 30 minutes';
COMMENT ON COLUMN signals.followed_by_link IS 'true when the trade carries the signal_id, false when matched by time window';
COMMENT ON MACRO TABLE signal_follow IS 'signal_follow(minutes := 30): per signal, the trade that followed it (linked, or same symbol and side within N minutes).';
