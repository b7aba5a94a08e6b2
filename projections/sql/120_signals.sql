-- signals: one row per signal.detected, whether it was notified and followed by a trade.
-- inputs:  events[signal.detected, signal.notified], trades
-- outputs: signal_follow (macro), _time_bucket (macro), _signal_follow_rows (macro),
--          _signal_keys (macro), _signals_rows (macro), signals
-- mode:    incremental
-- followed: a trade linked by signal_id, else the first trade on the same symbol and direction
-- (and account, when the signal has one) opened within N minutes after the signal
-- (signals uses N = 30; signal_follow(minutes) gives any N).
-- _time_bucket(ts, us): floor(epoch_us(ts) / us), exact for negative epochs too.
-- One definition serves both builds: _signals_rows(after) gives the rows of every signal when
-- after = 0, else of the signals listed in the temp table _signal_todo, which a catch-up fills
-- from _signal_keys(after): the signals with an event after seq `after`, and those a trade that
-- changed (_trade_keys) was or may now be the follower of (the stored row names its position;
-- the trade carries the signal's id; it opened within the window of the stored signal). A
-- catch-up deletes and re-inserts those signals' rows. _signal_follow_rows(minutes, ids) is
-- signal_follow for the signals in the list ids (NULL: all).
CREATE OR REPLACE MACRO _time_bucket(ts, us) AS
    (epoch_us(ts) - ((epoch_us(ts) % us) + us) % us) // us;

CREATE OR REPLACE MACRO _signal_follow_rows(minutes, ids) AS TABLE
WITH s AS (
    SELECT * FROM (
        SELECT *, row_number() OVER (PARTITION BY signal_id ORDER BY seq) AS rn
        FROM events WHERE type = 'signal.detected'
            AND (ids IS NULL OR signal_id IN (SELECT unnest(ids)))
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

CREATE OR REPLACE MACRO signal_follow(minutes := 30) AS TABLE
SELECT * FROM _signal_follow_rows(minutes, NULL);

CREATE OR REPLACE TEMP TABLE _signal_todo (signal_id VARCHAR);

CREATE OR REPLACE MACRO _signals_rows(after) AS TABLE
WITH s AS (
    SELECT signal_id, seq, ts, account, symbol, timeframe, direction, confidence, rsi, adx, atr,
        regime, reason, price
    FROM (
        SELECT *, row_number() OVER (PARTITION BY signal_id ORDER BY seq) AS rn
        FROM events WHERE type = 'signal.detected'
            AND (after = 0 OR signal_id IN (SELECT signal_id FROM _signal_todo))
    ) WHERE rn = 1
),
n AS (
    SELECT signal_id, count(*) AS notifications, min(ts) AS notified_ts,
        count(DISTINCT chat_id) AS chats
    FROM events WHERE type = 'signal.notified'
        AND (after = 0 OR signal_id IN (SELECT signal_id FROM _signal_todo))
    GROUP BY signal_id
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
LEFT JOIN _signal_follow_rows(30, CASE WHEN after <> 0
                                       THEN (SELECT list(signal_id) FROM _signal_todo) END) f
    USING (signal_id);

CREATE OR REPLACE TABLE signals AS SELECT * FROM _signals_rows(0) ORDER BY ALL;
DROP TABLE _signal_todo;

-- read by the incremental section only (it names the table built above)
CREATE OR REPLACE MACRO _signal_keys(after) AS TABLE
WITH k AS (SELECT * FROM _trade_keys(after)),
t AS (
    SELECT t.* FROM trades t
    JOIN k ON k.account IS NOT DISTINCT FROM t.account AND k.position_id = t.position_id
)
SELECT signal_id FROM events WHERE seq > after AND type IN ('signal.detected', 'signal.notified')
UNION
SELECT s.signal_id FROM signals s JOIN k ON k.position_id = s.followed_position_id
UNION
SELECT signal_id FROM t WHERE signal_id IS NOT NULL
UNION
SELECT s.signal_id FROM signals s
JOIN t ON t.signal_id IS NULL AND t.symbol = s.symbol AND upper(t.side) = s.direction
    AND (s.account IS NULL OR t.account = s.account)
    AND t.open_ts >= s.ts AND t.open_ts <= s.ts + to_minutes(CAST(30 AS BIGINT));

COMMENT ON TABLE signals IS 'One row per scanner signal: notified?, followed by a trade within 30 minutes (or linked by signal_id)?, that trade''s result.';
COMMENT ON COLUMN signals.followed IS 'a trade carries this signal_id, or one on the same symbol and side opened within 30 minutes';
COMMENT ON COLUMN signals.followed_by_link IS 'true when the trade carries the signal_id, false when matched by time window';
COMMENT ON MACRO TABLE signal_follow IS 'signal_follow(minutes := 30): per signal, the trade that followed it (linked, or same symbol and side within N minutes).';

-- incremental:
CREATE OR REPLACE TEMP TABLE _signal_todo AS
SELECT * FROM _signal_keys(getvariable('projection_after'));
DELETE FROM signals WHERE signal_id IN (SELECT signal_id FROM _signal_todo);
INSERT INTO signals SELECT * FROM _signals_rows(getvariable('projection_after'));
DROP TABLE _signal_todo;
