-- orders: one row per order (account, order_ticket) with its life cycle; rejected orders
-- without a ticket get their own row.
-- inputs:  events[order.placed, order.modified, order.cancelled, order.rejected], deals
-- outputs: orders, _order_keys (macro), _orders_rows (macro)
-- mode:    incremental
-- status: filled (a deal executed it, fully or partly) > cancelled > rejected > pending.
-- One definition serves both builds: _orders_rows(after) gives the rows of every order when
-- after = 0, else of the orders (account, order_ticket) listed in the temp table _order_todo,
-- which a catch-up fills from _order_keys(after): the orders with an order event or a new deal
-- after seq `after` (a fill changes its order's row), plus the rejections without a ticket
-- after `after` (each its own row). A catch-up deletes and re-inserts those orders' rows.
CREATE OR REPLACE TEMP TABLE _order_todo (account VARCHAR, order_ticket BIGINT);

CREATE OR REPLACE MACRO _order_keys(after) AS TABLE
SELECT account, order_ticket FROM events
WHERE seq > after AND order_ticket IS NOT NULL
  AND type IN ('order.placed', 'order.modified', 'order.cancelled', 'order.rejected')
UNION
SELECT account, order_ticket FROM deals WHERE seq > after AND order_ticket IS NOT NULL;

CREATE OR REPLACE MACRO _orders_rows(after) AS TABLE
WITH ev AS (
    SELECT type, seq, ts, account, order_ticket, symbol, order_type, volume, price, sl, tp, magic,
           comment, oco_group_id, recommendation_id, signal_id, position_id, expires_ts,
           correlation_id, reason, retcode
    FROM events e
    WHERE type IN ('order.placed', 'order.modified', 'order.cancelled', 'order.rejected')
      AND (after = 0
           OR EXISTS (SELECT 1 FROM _order_todo k WHERE k.account IS NOT DISTINCT FROM e.account
                                                   AND k.order_ticket = e.order_ticket)
           OR (order_ticket IS NULL AND seq > after))
),
placed AS (
    SELECT account, order_ticket,
           arg_min(seq, seq) AS seq, min(ts) AS placed_ts,
           arg_min(symbol, seq) AS symbol, arg_min(order_type, seq) AS order_type,
           arg_min(volume, seq) AS volume, arg_min(price, seq) AS price,
           arg_min(sl, seq) AS sl, arg_min(tp, seq) AS tp,
           arg_min(magic, seq) AS magic, arg_min(comment, seq) AS comment,
           arg_min(oco_group_id, seq) AS oco_group_id,
           arg_min(recommendation_id, seq) AS recommendation_id,
           arg_min(signal_id, seq) AS signal_id, arg_min(position_id, seq) AS position_id,
           arg_min(expires_ts, seq) AS expires_ts,
           arg_min(correlation_id, seq) AS correlation_id
    FROM ev WHERE type = 'order.placed'
    GROUP BY account, order_ticket
),
modified AS (
    SELECT account, order_ticket, count(*) AS modifications, max(ts) AS last_modified_ts,
           arg_max(price, seq) FILTER (WHERE price IS NOT NULL) AS last_price,
           arg_max(sl, seq) FILTER (WHERE sl IS NOT NULL) AS last_sl,
           arg_max(tp, seq) FILTER (WHERE tp IS NOT NULL) AS last_tp,
           arg_max(volume, seq) FILTER (WHERE volume IS NOT NULL) AS last_volume
    FROM ev WHERE type = 'order.modified'
    GROUP BY account, order_ticket
),
cancelled AS (
    SELECT account, order_ticket, min(ts) AS cancelled_ts, arg_min(reason, seq) AS cancel_reason
    FROM ev WHERE type = 'order.cancelled'
    GROUP BY account, order_ticket
),
rejected AS (
    SELECT seq, account, order_ticket, ts, symbol, order_type, volume, price, retcode, comment,
           recommendation_id
    FROM ev WHERE type = 'order.rejected'
),
fills AS (
    SELECT account, order_ticket, count(*) AS fills, min(ts) AS first_fill_ts,
           sum(volume) AS filled_volume,
           CAST(sum(volume * price) / sum(volume) AS DECIMAL(38, 10)) AS fill_price,
           arg_min(position_id, (ts, deal_ticket, seq)) AS fill_position_id
    FROM deals d
    WHERE order_ticket IS NOT NULL
      AND (after = 0 OR EXISTS (SELECT 1 FROM _order_todo k
                                WHERE k.account IS NOT DISTINCT FROM d.account
                                  AND k.order_ticket = d.order_ticket))
    GROUP BY account, order_ticket
),
base AS (
    SELECT p.*, NULL::BIGINT AS retcode, NULL::VARCHAR AS reject_comment, NULL::TIMESTAMPTZ AS rejected_ts
    FROM placed p
    UNION ALL BY NAME
    SELECT r.seq, r.account, r.order_ticket, r.ts AS placed_ts, r.symbol, r.order_type, r.volume,
           r.price, r.recommendation_id, r.retcode, r.comment AS reject_comment, r.ts AS rejected_ts
    FROM rejected r
    WHERE NOT EXISTS (SELECT 1 FROM placed p WHERE p.account IS NOT DISTINCT FROM r.account
                                              AND p.order_ticket = r.order_ticket)
)
SELECT
    b.account, b.order_ticket, b.seq, b.placed_ts, b.symbol, b.order_type,
    b.volume, b.price, b.sl, b.tp, b.magic, b.comment, b.oco_group_id,
    b.recommendation_id, b.signal_id,
    coalesce(b.position_id, f.fill_position_id) AS position_id,
    b.expires_ts, b.correlation_id,
    coalesce(m.modifications, 0) AS modifications, m.last_modified_ts,
    coalesce(m.last_price, b.price) AS current_price,
    coalesce(m.last_sl, b.sl) AS current_sl,
    coalesce(m.last_tp, b.tp) AS current_tp,
    coalesce(m.last_volume, b.volume) AS current_volume,
    CASE WHEN f.fills > 0 THEN 'filled'
         WHEN c.cancelled_ts IS NOT NULL THEN 'cancelled'
         WHEN b.retcode IS NOT NULL OR rj.retcode IS NOT NULL THEN 'rejected'
         ELSE 'pending' END AS status,
    coalesce(f.fills, 0) AS fills, f.filled_volume, f.fill_price, f.first_fill_ts,
    c.cancelled_ts, c.cancel_reason,
    coalesce(b.retcode, rj.retcode) AS retcode,
    coalesce(b.reject_comment, rj.comment) AS reject_comment,
    coalesce(b.rejected_ts, rj.ts) AS rejected_ts
FROM base b
LEFT JOIN modified m ON m.account IS NOT DISTINCT FROM b.account AND m.order_ticket = b.order_ticket
LEFT JOIN cancelled c ON c.account IS NOT DISTINCT FROM b.account AND c.order_ticket = b.order_ticket
LEFT JOIN fills f ON f.account IS NOT DISTINCT FROM b.account AND f.order_ticket = b.order_ticket
LEFT JOIN (SELECT account, order_ticket, arg_max(retcode, seq) AS retcode,
                  arg_max(comment, seq) AS comment, max(ts) AS ts
           FROM rejected WHERE order_ticket IS NOT NULL GROUP BY ALL) rj
       ON b.retcode IS NULL AND rj.account IS NOT DISTINCT FROM b.account
      AND rj.order_ticket = b.order_ticket;

CREATE OR REPLACE TABLE orders AS SELECT * FROM _orders_rows(0) ORDER BY ALL;
DROP TABLE _order_todo;

COMMENT ON TABLE orders IS 'One row per order (account, order_ticket) with its life cycle: placed, modified, cancelled, rejected, filled.';
COMMENT ON COLUMN orders.status IS 'filled (a deal executed it) > cancelled > rejected > pending';
COMMENT ON COLUMN orders.position_id IS 'position the order belongs to: from order.placed, else from its first fill';
COMMENT ON COLUMN orders.fill_price IS 'volume-weighted average price of the deals that executed this order';
COMMENT ON COLUMN orders.current_sl IS 'stop loss after the last order.modified (the placed sl if never modified)';

-- incremental:
CREATE OR REPLACE TEMP TABLE _order_todo AS
SELECT * FROM _order_keys(getvariable('projection_after'));
DELETE FROM orders WHERE EXISTS (SELECT 1 FROM _order_todo k
                                 WHERE k.account IS NOT DISTINCT FROM orders.account
                                   AND k.order_ticket = orders.order_ticket);
INSERT INTO orders SELECT * FROM _orders_rows(getvariable('projection_after'));
DROP TABLE _order_todo;
