-- recommendations: one row per recommendation.issued with its life cycle and outcome.
-- inputs:  events[recommendation.issued, recommendation.approved, recommendation.dismissed,
--          recommendation.expired, recommendation.executed, recommendation.failed,
--          llm.called, conversation.message, order.placed, order.rejected], orders, trades
-- outputs: recommendations, _recommendation_keys (macro), _recommendations_rows (macro)
-- mode:    incremental
-- status: the latest of approved/dismissed/expired/executed/failed (else issued).
-- filled: a deal executed the linked order/position. executed = filled AND (approved or an
-- executed event). Link: recommendation.executed (order_ticket/position_id), else the order
-- placed with this recommendation_id, else a trade carrying it. Result = the position's net P&L
-- and R (leg 1). Slippage: fill vs recommended entry, signed so positive = worse for the trader.
-- cost_usd: the LLM cost behind it: the llm.called that produced it (its causation_id) plus the
-- earlier calls of the same request (llm.called with that call's causation_id, e.g. a retry after
-- a rate limit); without such a link, the llm.called costs of its conversation, else that
-- conversation's message costs.
--
-- One definition serves both builds: _recommendations_rows(after) gives the rows of every
-- recommendation when after = 0, else of those listed in the temp table _recommendation_todo,
-- which a catch-up fills from _recommendation_keys(after): the recommendations with an event
-- after seq `after`; those whose cost changed (a new llm.called that produced it; a new call or
-- message in its conversation); those linked to an order that
-- changed (_order_keys: the order events of the ticket name it, or the stored row links the
-- ticket); those linked to a position whose trade rows changed (_trade_keys: the stored row
-- names the position, or the trade carries its id). A catch-up deletes and re-inserts them.
CREATE OR REPLACE TEMP TABLE _recommendation_todo (recommendation_id VARCHAR);

CREATE OR REPLACE MACRO _recommendations_rows(after) AS TABLE
WITH todo AS (SELECT recommendation_id FROM _recommendation_todo),
issued AS (
    SELECT recommendation_id, seq, ts, account, symbol, direction, entry_price, sl, tp, confidence,
        reasoning, timeframe, regime, model, prompt_variant, conversation_id, signal_id,
        generation_ms, expires_ts, causation_id
    FROM (
        SELECT *, row_number() OVER (PARTITION BY recommendation_id ORDER BY seq) AS rn
        FROM events WHERE type = 'recommendation.issued'
            AND (after = 0 OR recommendation_id IN (SELECT recommendation_id FROM todo))
    ) WHERE rn = 1
),
life AS (
    SELECT recommendation_id,
        min(ts) FILTER (WHERE type = 'recommendation.approved') AS approved_ts,
        min(ts) FILTER (WHERE type = 'recommendation.dismissed') AS dismissed_ts,
        min(ts) FILTER (WHERE type = 'recommendation.expired') AS expired_ts,
        min(ts) FILTER (WHERE type = 'recommendation.executed') AS executed_ts,
        min(ts) FILTER (WHERE type = 'recommendation.failed') AS failed_ts,
        arg_min(error, seq) FILTER (WHERE type = 'recommendation.failed') AS failure_error,
        arg_min(order_ticket, seq) FILTER (WHERE type = 'recommendation.executed') AS exec_order,
        arg_min(position_id, seq) FILTER (WHERE type = 'recommendation.executed') AS exec_position,
        arg_max(replace(type, 'recommendation.', ''), seq) AS status
    FROM events
    WHERE type IN ('recommendation.approved', 'recommendation.dismissed', 'recommendation.expired',
                   'recommendation.executed', 'recommendation.failed')
      AND (after = 0 OR recommendation_id IN (SELECT recommendation_id FROM todo))
    GROUP BY recommendation_id
),
ord AS (
    SELECT recommendation_id, arg_min(order_ticket, seq) AS order_ticket,
           arg_min(position_id, seq) AS position_id, arg_min(account, seq) AS account
    FROM orders
    WHERE recommendation_id IS NOT NULL
      AND (after = 0 OR recommendation_id IN (SELECT recommendation_id FROM todo))
    GROUP BY recommendation_id
),
conv_cost AS (
    SELECT conversation_id,
        sum(cost_usd) FILTER (WHERE type = 'llm.called') AS llm_cost,
        sum(cost_usd) FILTER (WHERE type = 'conversation.message') AS msg_cost
    FROM events
    WHERE type IN ('llm.called', 'conversation.message') AND conversation_id IS NOT NULL
      AND (after = 0 OR conversation_id IN (SELECT conversation_id FROM issued))
    GROUP BY conversation_id
),
calls AS (
    SELECT seq, ts, id, causation_id, cost_usd FROM events WHERE type = 'llm.called'
),
producer_call AS (
    SELECT i.recommendation_id, c.seq, c.causation_id, c.cost_usd
    FROM issued i JOIN calls c ON c.id = i.causation_id
),
call_cost AS (
    -- the producing call, and the calls of the same request (same cause) before it
    SELECT recommendation_id, sum(cost_usd) AS cost
    FROM (
        SELECT recommendation_id, seq, cost_usd FROM producer_call
        UNION
        SELECT p.recommendation_id, c.seq, c.cost_usd
        FROM producer_call p JOIN calls c ON c.causation_id = p.causation_id AND c.seq < p.seq
    )
    GROUP BY recommendation_id
),
linked AS (
    SELECT i.*, l.approved_ts, l.dismissed_ts, l.expired_ts, l.executed_ts, l.failed_ts,
        l.failure_error, coalesce(l.status, 'issued') AS status,
        coalesce(l.exec_order, o.order_ticket) AS order_ticket,
        coalesce(l.exec_position, o.position_id,
                 (SELECT min(t.position_id) FROM trades t WHERE t.recommendation_id = i.recommendation_id))
            AS linked_position_id,
        coalesce(i.account, o.account) AS linked_account,
        CASE WHEN cc.recommendation_id IS NOT NULL THEN cc.cost
             ELSE coalesce(c.llm_cost, c.msg_cost) END AS cost_usd
    FROM issued i
    LEFT JOIN life l USING (recommendation_id)
    LEFT JOIN ord o USING (recommendation_id)
    LEFT JOIN conv_cost c USING (conversation_id)
    LEFT JOIN call_cost cc USING (recommendation_id)
)
SELECT
    k.recommendation_id, k.seq, k.ts, k.linked_account AS account, k.symbol, k.direction,
    k.entry_price, k.sl, k.tp, k.confidence,
    CASE WHEN k.confidence < 50 THEN '0-49' WHEN k.confidence < 70 THEN '50-69'
         WHEN k.confidence < 85 THEN '70-84' ELSE '85-100' END AS confidence_bucket,
    k.reasoning, k.timeframe, k.regime, k.model, k.prompt_variant, k.conversation_id, k.signal_id,
    k.generation_ms, k.expires_ts, k.status,
    k.approved_ts, k.dismissed_ts, k.expired_ts, k.executed_ts, k.failed_ts, k.failure_error,
    k.order_ticket, coalesce(k.linked_position_id, o2.position_id) AS position_id,
    t.trade_id, (t.volume_in > 0) IS TRUE AS filled,
    ((t.volume_in > 0) IS TRUE AND (k.approved_ts IS NOT NULL OR k.executed_ts IS NOT NULL)) AS executed,
    t.status AS trade_status, t.net_pnl, t.r_multiple,
    CASE WHEN t.status = 'closed' THEN t.net_pnl > 0 END AS won,
    round(abs(k.tp - k.entry_price) / nullif(abs(k.entry_price - k.sl), 0), 10)::DOUBLE AS planned_r,
    t.entry_vwap AS fill_price,
    CAST((t.entry_vwap - k.entry_price) * CASE k.direction WHEN 'SELL' THEN -1 ELSE 1 END
         AS DECIMAL(38, 10)) AS entry_slippage,
    CAST(t.initial_sl - k.sl AS DECIMAL(38, 10)) AS sl_difference,
    CAST(t.initial_tp - k.tp AS DECIMAL(38, 10)) AS tp_difference,
    k.cost_usd
FROM linked k
LEFT JOIN orders o2 ON o2.account IS NOT DISTINCT FROM k.linked_account AND o2.order_ticket = k.order_ticket
LEFT JOIN trades t ON t.account IS NOT DISTINCT FROM coalesce(k.linked_account, t.account)
    AND t.position_id = coalesce(k.linked_position_id, o2.position_id) AND t.leg = 1;

CREATE OR REPLACE TABLE recommendations AS SELECT * FROM _recommendations_rows(0) ORDER BY ALL;
DROP TABLE _recommendation_todo;

-- read by the incremental section only (it names the table built above)
CREATE OR REPLACE MACRO _recommendation_keys(after) AS TABLE
WITH new AS (
    SELECT type, id, account, recommendation_id, conversation_id, causation_id
    FROM events WHERE seq > after
),
order_keys AS (SELECT * FROM _order_keys(after)),
trade_keys AS (SELECT * FROM _trade_keys(after))
SELECT recommendation_id FROM new
WHERE recommendation_id IS NOT NULL
  AND (type LIKE 'recommendation.%' OR type IN ('order.placed', 'order.rejected'))
UNION
-- a new call that produced it (the calls of the same request count only before the producing
-- call: a new one is the producing call or comes after it)
SELECT i.recommendation_id FROM events i
JOIN new c ON c.type = 'llm.called' AND i.causation_id = c.id
WHERE i.type = 'recommendation.issued'
UNION
SELECT r.recommendation_id FROM recommendations r
JOIN new e ON e.type IN ('llm.called', 'conversation.message') AND e.conversation_id = r.conversation_id
UNION
SELECT e.recommendation_id FROM events e
JOIN order_keys k ON k.account IS NOT DISTINCT FROM e.account AND k.order_ticket = e.order_ticket
WHERE e.type IN ('order.placed', 'order.rejected') AND e.recommendation_id IS NOT NULL
UNION
SELECT r.recommendation_id FROM recommendations r
JOIN order_keys k ON k.account IS NOT DISTINCT FROM r.account AND k.order_ticket = r.order_ticket
UNION
SELECT r.recommendation_id FROM recommendations r JOIN trade_keys k ON k.position_id = r.position_id
UNION
SELECT t.recommendation_id FROM trades t
JOIN trade_keys k ON k.account IS NOT DISTINCT FROM t.account AND k.position_id = t.position_id
WHERE t.recommendation_id IS NOT NULL;

COMMENT ON TABLE recommendations IS 'One row per AI recommendation: life cycle, the order/position it led to, result in money and R, slippage, cost.';
COMMENT ON COLUMN recommendations.status IS 'latest of approved/dismissed/expired/executed/failed, else issued';
COMMENT ON COLUMN recommendations.executed IS 'approved (or executed event) and filled by a deal';
COMMENT ON COLUMN recommendations.entry_slippage IS '(fill VWAP - recommended entry) * direction sign: positive = worse';
COMMENT ON COLUMN recommendations.confidence_bucket IS 'calibration bucket: 0-49, 50-69, 70-84, 85-100';
COMMENT ON COLUMN recommendations.cost_usd IS 'LLM cost behind it: the producing llm.called and earlier calls of the same request; else its conversation''s llm.called, else message costs';

-- incremental:
CREATE OR REPLACE TEMP TABLE _recommendation_todo AS
SELECT * FROM _recommendation_keys(getvariable('projection_after'));
DELETE FROM recommendations
WHERE recommendation_id IN (SELECT recommendation_id FROM _recommendation_todo);
INSERT INTO recommendations SELECT * FROM _recommendations_rows(getvariable('projection_after'));
DROP TABLE _recommendation_todo;
