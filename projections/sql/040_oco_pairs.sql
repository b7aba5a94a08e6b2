-- oco_pairs: one row per OCO group (account, oco_group_id): both legs and what became of them.
-- inputs:  events[oco.created, oco.triggered, oco.failed], orders, deals
-- outputs: oco_pairs, _oco_keys (macro), _oco_pairs_rows (macro)
-- mode:    incremental
-- status: BOTH_FILLED (oco.failed both_filled, or deals on both legs) > FILLED_A / FILLED_B
--   (that leg filled: a deal on it or oco.triggered naming it) > CANCELLED (both legs
--   cancelled, none filled) > ACTIVE.
-- cancel_latency_ms: from oco.triggered when given, else sibling order.cancelled ts minus the
--   first fill of the filled leg.
-- One definition serves both builds: _oco_pairs_rows(after) gives the rows of every group when
-- after = 0, else of the groups (account, oco_group_id) listed in the temp table _oco_todo,
-- which a catch-up fills from _oco_keys(after): the groups with an OCO event after seq `after`
-- and the groups whose leg's order changed (_order_keys: an order event or a deal on it). A
-- catch-up deletes and re-inserts those groups' rows.
CREATE OR REPLACE TEMP TABLE _oco_todo (account VARCHAR, oco_group_id VARCHAR);

CREATE OR REPLACE MACRO _oco_keys(after) AS TABLE
SELECT account, oco_group_id FROM events
WHERE seq > after AND type IN ('oco.created', 'oco.triggered', 'oco.failed')
UNION
SELECT c.account, c.oco_group_id
FROM (SELECT account, oco_group_id, unnest([leg_a_ticket, leg_b_ticket]) AS ticket
      FROM events WHERE type = 'oco.created') c
JOIN _order_keys(after) k ON k.account IS NOT DISTINCT FROM c.account AND k.order_ticket = c.ticket;

CREATE OR REPLACE MACRO _oco_pairs_rows(after) AS TABLE
WITH ev AS (
    SELECT type, seq, ts, account, oco_group_id, symbol, leg_a_ticket, leg_b_ticket,
           filled_ticket, cancel_ticket, cancel_latency_ms, kind, error, retcode
    FROM events e
    WHERE type IN ('oco.created', 'oco.triggered', 'oco.failed')
      AND (after = 0 OR EXISTS (SELECT 1 FROM _oco_todo k
                                WHERE k.account IS NOT DISTINCT FROM e.account
                                  AND k.oco_group_id IS NOT DISTINCT FROM e.oco_group_id))
),
created AS (
    SELECT account, oco_group_id, min(seq) AS seq, min(ts) AS created_ts,
           arg_min(symbol, seq) AS symbol, arg_min(leg_a_ticket, seq) AS leg_a_ticket,
           arg_min(leg_b_ticket, seq) AS leg_b_ticket
    FROM ev WHERE type = 'oco.created' GROUP BY account, oco_group_id
),
trig AS (
    SELECT account, oco_group_id, min(ts) AS triggered_ts,
           arg_min(filled_ticket, seq) AS trig_filled, arg_min(cancel_ticket, seq) AS trig_cancel,
           arg_min(cancel_latency_ms, seq) AS trig_latency
    FROM ev WHERE type = 'oco.triggered' GROUP BY account, oco_group_id
),
failed AS (
    SELECT account, oco_group_id, min(ts) AS failed_ts, arg_min(kind, seq) AS failure,
           arg_min(error, seq) AS failure_error, arg_min(retcode, seq) AS failure_retcode
    FROM ev WHERE type = 'oco.failed' GROUP BY account, oco_group_id
),
legs AS (
    SELECT c.*, t.triggered_ts, t.trig_filled, t.trig_cancel, t.trig_latency,
           f.failed_ts, f.failure, f.failure_error, f.failure_retcode,
           oa.first_fill_ts AS a_fill_ts, ob.first_fill_ts AS b_fill_ts,
           oa.cancelled_ts AS a_cancel_ts, ob.cancelled_ts AS b_cancel_ts,
           (oa.fills > 0 OR t.trig_filled = c.leg_a_ticket) AS a_filled,
           (ob.fills > 0 OR t.trig_filled = c.leg_b_ticket) AS b_filled
    FROM created c
    LEFT JOIN trig t ON t.account IS NOT DISTINCT FROM c.account AND t.oco_group_id = c.oco_group_id
    LEFT JOIN failed f ON f.account IS NOT DISTINCT FROM c.account AND f.oco_group_id = c.oco_group_id
    LEFT JOIN orders oa ON oa.account IS NOT DISTINCT FROM c.account AND oa.order_ticket = c.leg_a_ticket
    LEFT JOIN orders ob ON ob.account IS NOT DISTINCT FROM c.account AND ob.order_ticket = c.leg_b_ticket
)
SELECT
    account, oco_group_id, seq, created_ts, symbol, leg_a_ticket, leg_b_ticket,
    CASE WHEN failure = 'both_filled' OR (coalesce(a_filled, false) AND coalesce(b_filled, false))
              THEN 'BOTH_FILLED'
         WHEN coalesce(a_filled, false) THEN 'FILLED_A'
         WHEN coalesce(b_filled, false) THEN 'FILLED_B'
         WHEN a_cancel_ts IS NOT NULL AND b_cancel_ts IS NOT NULL THEN 'CANCELLED'
         ELSE 'ACTIVE' END AS status,
    CASE WHEN coalesce(a_filled, false) AND NOT coalesce(b_filled, false) THEN leg_a_ticket
         WHEN coalesce(b_filled, false) AND NOT coalesce(a_filled, false) THEN leg_b_ticket END
        AS filled_ticket,
    CASE WHEN coalesce(a_filled, false) AND NOT coalesce(b_filled, false) THEN leg_b_ticket
         WHEN coalesce(b_filled, false) AND NOT coalesce(a_filled, false) THEN leg_a_ticket END
        AS cancel_ticket,
    coalesce(
        (CASE WHEN coalesce(a_filled, false) THEN a_fill_ts END),
        (CASE WHEN coalesce(b_filled, false) THEN b_fill_ts END),
        triggered_ts) AS filled_ts,
    CASE WHEN coalesce(a_filled, false) AND NOT coalesce(b_filled, false) THEN b_cancel_ts
         WHEN coalesce(b_filled, false) AND NOT coalesce(a_filled, false) THEN a_cancel_ts END
        AS sibling_cancelled_ts,
    coalesce(trig_latency,
        CASE WHEN coalesce(a_filled, false) AND NOT coalesce(b_filled, false)
                  THEN (epoch_us(b_cancel_ts) - epoch_us(a_fill_ts)) / 1000.0
             WHEN coalesce(b_filled, false) AND NOT coalesce(a_filled, false)
                  THEN (epoch_us(a_cancel_ts) - epoch_us(b_fill_ts)) / 1000.0 END) AS cancel_latency_ms,
    triggered_ts, failed_ts, failure, failure_error, failure_retcode
FROM legs;

CREATE OR REPLACE TABLE oco_pairs AS SELECT * FROM _oco_pairs_rows(0) ORDER BY ALL;
DROP TABLE _oco_todo;

COMMENT ON TABLE oco_pairs IS 'One row per OCO group: the two legs, which filled, whether the sibling was cancelled and how fast.';
COMMENT ON COLUMN oco_pairs.status IS 'ACTIVE / FILLED_A / FILLED_B / CANCELLED / BOTH_FILLED';
COMMENT ON COLUMN oco_pairs.cancel_latency_ms IS 'oco.triggered cancel latency, else sibling cancel ts minus first fill ts (ms)';

-- incremental:
CREATE OR REPLACE TEMP TABLE _oco_todo AS
SELECT * FROM _oco_keys(getvariable('projection_after'));
DELETE FROM oco_pairs WHERE EXISTS (SELECT 1 FROM _oco_todo k
                                    WHERE k.account IS NOT DISTINCT FROM oco_pairs.account
                                      AND k.oco_group_id IS NOT DISTINCT FROM oco_pairs.oco_group_id);
INSERT INTO oco_pairs SELECT * FROM _oco_pairs_rows(getvariable('projection_after'));
DROP TABLE _oco_todo;
