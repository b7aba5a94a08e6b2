-- trades: one row per position (account, position_id) -- per leg when a netting position was
-- reversed by an inout deal (leg 1, 2, ...; a position never reversed has exactly one row).
-- inputs:  deals, orders, stop_moves,
--          events[deal.filled, order.placed, order.modified, order.cancelled,
--                 order.rejected, position.stop_moved, position.excursion, trade.annotated,
--                 recommendation.issued, recommendation.executed, signal.detected,
--                 symbol.spec_changed]
-- outputs: trades, _trade_keys (macro), _trades_rows (macro)
-- mode:    incremental
--
-- Deals of a position in (ts, deal_ticket, seq) order. 'in' opens volume, 'out'/'out_by' closes,
-- 'inout' closes what was open (its whole money stays with that leg, as MT5 counts it) and opens
-- the rest the other way as the next leg. side = direction of the leg's first opening deal.
-- entry_vwap / exit_vwap: volume-weighted over opened / closed volume. net_pnl = sum of
-- profit + commission + swap + fee of the leg's deals. status closed when volume_out >= volume_in.
-- initial_sl: the opening order's stop (as placed, or as modified before it filled), else the
-- first stop known from position.stop_moved (old_sl, else new_sl); final_sl: the last new_sl.
-- Position events (stop moves, excursions, annotations) without an account match by position id.
--
-- R: the money value of one price unit per lot is the symbol's contract value, tick_value /
-- tick_size from symbol.spec_changed (the last spec journaled by the close, else the first;
-- 'contract'), else estimated from the deals' own profit: value_per_point = sum(profit) / ((exit_vwap - entry_vwap) * sign *
-- volume_out) for this trade when defined and > 0 ('money'), else the same ratio pooled over the
-- account's other trades in the symbol ('money_symbol_estimate');
-- initial_risk_money = |entry_vwap - initial_sl| * volume_in * value_per_point and
-- r_multiple = net_pnl / initial_risk_money (Van Tharp, costs included). Where no value can be
-- estimated, r_multiple = (exit_vwap - entry_vwap) * sign / |entry_vwap - initial_sl| (price
-- units, costs ignored; r_basis = 'price'). No initial SL (or SL at entry) -> r_multiple NULL.
-- r_price is always the price-unit R. MAE/MFE from position.excursion (worst/best price).
--
-- One definition serves both builds: _trades_rows(after) gives the rows of every position when
-- after = 0, else of the positions listed in the temp table _trade_todo, which a catch-up fills
-- from _trade_keys(after): the positions the events after seq `after` touch (their deals, their
-- opening order's life cycle, stop moves, excursions, annotations, executed / issued
-- recommendations and signals they link to), plus the positions of the same (account, symbol)
-- without an own value_per_point (they use the pooled estimate, which may change). The pool sums
-- the recomputed rows and the stored rows of the other positions (exact decimal sums: equal to
-- the full build's). A catch-up deletes and re-inserts the rows of those positions.
-- the macros read trades (the stored rows) and _trade_todo (a catch-up's positions): a full
-- build binds them to empty stand-ins (it replaces trades anyway)
CREATE OR REPLACE TEMP TABLE _trade_todo (account VARCHAR, position_id BIGINT);
CREATE OR REPLACE TABLE trades (account VARCHAR, position_id BIGINT, symbol VARCHAR,
    side VARCHAR, status VARCHAR, volume_out DECIMAL(38, 10), entry_vwap DECIMAL(38, 10),
    exit_vwap DECIMAL(38, 10), profit DECIMAL(38, 10), recommendation_id VARCHAR,
    signal_id VARCHAR);

CREATE OR REPLACE MACRO _trade_move_lots(side, entry_vwap, exit_vwap, volume_out) AS
    (exit_vwap - entry_vwap) * (CASE WHEN side = 'sell' THEN -1 ELSE 1 END) * volume_out;

-- the trade's own money per price unit per lot: profit / move_lots when closed and positive
CREATE OR REPLACE MACRO _trade_own_vpp(status, profit, move_lots) AS
    CASE WHEN status = 'closed' AND move_lots <> 0 AND profit / move_lots > 0
         THEN profit / move_lots END;

CREATE OR REPLACE MACRO _trade_keys(after) AS TABLE
WITH new AS (
    SELECT type, account, position_id, order_ticket, recommendation_id, signal_id, symbol
    FROM events WHERE seq > after
),
direct AS (
    SELECT account, position_id FROM new
    WHERE type IN ('deal.filled', 'recommendation.executed') AND position_id IS NOT NULL
    UNION
    -- by the opening order: its life cycle, a recommendation executed on it
    SELECT d.account, d.position_id FROM deals d
    JOIN new e ON e.type IN ('order.placed', 'order.modified', 'order.cancelled', 'order.rejected',
                             'recommendation.executed')
        AND e.account IS NOT DISTINCT FROM d.account AND e.order_ticket = d.order_ticket
    WHERE d.position_id IS NOT NULL
    UNION
    -- position events without an account match the position in every account
    SELECT d.account, d.position_id FROM deals d
    JOIN new e ON e.type IN ('position.stop_moved', 'position.excursion', 'trade.annotated')
        AND e.position_id = d.position_id
        AND (e.account IS NOT DISTINCT FROM d.account OR e.account IS NULL)
    UNION
    -- a symbol's contract specification values the R of its trades
    SELECT d.account, d.position_id FROM deals d
    JOIN new e ON e.type = 'symbol.spec_changed' AND e.symbol = d.symbol
        AND e.account IS NOT DISTINCT FROM d.account
    WHERE d.position_id IS NOT NULL
    UNION
    SELECT t.account, t.position_id FROM trades t
    JOIN new e ON e.type = 'recommendation.issued' AND e.recommendation_id = t.recommendation_id
    UNION
    SELECT t.account, t.position_id FROM trades t
    JOIN new e ON e.type = 'signal.detected' AND e.signal_id = t.signal_id
),
pairs AS (
    SELECT d.account, d.symbol FROM deals d
    JOIN direct k ON k.account IS NOT DISTINCT FROM d.account AND k.position_id = d.position_id
    UNION
    SELECT t.account, t.symbol FROM trades t
    JOIN direct k ON k.account IS NOT DISTINCT FROM t.account AND k.position_id = t.position_id
)
SELECT account, position_id FROM direct
UNION
SELECT t.account, t.position_id FROM trades t
JOIN pairs p ON p.account IS NOT DISTINCT FROM t.account AND p.symbol IS NOT DISTINCT FROM t.symbol
WHERE _trade_own_vpp(t.status, t.profit,
                     _trade_move_lots(t.side, t.entry_vwap, t.exit_vwap, t.volume_out)) IS NULL;

CREATE OR REPLACE MACRO _trades_rows(after) AS TABLE
WITH d AS (
    SELECT *,
        CASE side WHEN 'buy' THEN volume ELSE -volume END AS signed_vol,
        coalesce(sum(CASE side WHEN 'buy' THEN volume ELSE -volume END) OVER w_before, 0) AS pos_before,
        1 + coalesce(sum(CASE WHEN entry = 'inout' THEN 1 ELSE 0 END) OVER w_before, 0) AS leg
    FROM deals
    WHERE position_id IS NOT NULL
      AND (after = 0 OR EXISTS (SELECT 1 FROM _trade_todo k
                                WHERE k.account IS NOT DISTINCT FROM deals.account
                                  AND k.position_id = deals.position_id))
    WINDOW w_before AS (PARTITION BY account, position_id ORDER BY ts, deal_ticket, seq
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
portions AS (
    SELECT account, position_id, leg, seq, ts, deal_ticket, order_ticket, symbol, side, price,
           reason, profit, commission, swap, fee, net,
           CASE WHEN entry = 'in' THEN volume ELSE 0 END AS open_qty,
           CASE WHEN entry IN ('out', 'out_by') THEN volume
                WHEN entry = 'inout' THEN least(abs(pos_before), volume) ELSE 0 END AS close_qty
    FROM d
    UNION ALL
    SELECT account, position_id, leg + 1, seq, ts, deal_ticket, order_ticket, symbol, side, price,
           NULL, 0, 0, 0, 0, 0,
           volume - abs(pos_before), 0
    FROM d
    WHERE entry = 'inout' AND volume > abs(pos_before)
),
legs AS (
    SELECT account, position_id, leg,
        arg_min(symbol, (ts, deal_ticket, seq)) AS symbol,
        arg_min(side, (ts, deal_ticket, seq)) FILTER (WHERE open_qty > 0) AS side,
        arg_min(order_ticket, (ts, deal_ticket, seq)) FILTER (WHERE open_qty > 0) AS opening_order,
        min(ts) FILTER (WHERE open_qty > 0) AS open_ts,
        min(ts) AS first_ts,
        max(ts) FILTER (WHERE close_qty > 0) AS last_close_ts,
        CAST(sum(open_qty) AS DECIMAL(38, 10)) AS volume_in,
        CAST(sum(close_qty) AS DECIMAL(38, 10)) AS volume_out,
        CAST(sum(open_qty * price) / nullif(sum(open_qty), 0) AS DECIMAL(38, 10)) AS entry_vwap,
        CAST(sum(close_qty * price) / nullif(sum(close_qty), 0) AS DECIMAL(38, 10)) AS exit_vwap,
        CAST(sum(net) AS DECIMAL(38, 10)) AS net_pnl,
        CAST(sum(profit) AS DECIMAL(38, 10)) AS profit,
        CAST(sum(commission) AS DECIMAL(38, 10)) AS commission,
        CAST(sum(swap) AS DECIMAL(38, 10)) AS swap,
        CAST(sum(fee) AS DECIMAL(38, 10)) AS fee,
        count(DISTINCT deal_ticket) AS deals,
        count(*) FILTER (WHERE close_qty > 0) AS closing_deals,
        arg_max(reason, (ts, deal_ticket, seq)) FILTER (WHERE close_qty > 0) AS close_reason,
        min(seq) AS first_seq, max(seq) AS last_seq
    FROM portions
    GROUP BY account, position_id, leg
),
legs2 AS (
    SELECT l.*,
        CASE WHEN l.side = 'sell' THEN -1 ELSE 1 END AS sign,
        CASE WHEN l.volume_out >= l.volume_in AND l.volume_out > 0 THEN 'closed' ELSE 'open' END AS status,
        lead(l.first_ts) OVER (PARTITION BY l.account, l.position_id ORDER BY l.leg) AS next_leg_ts,
        o.current_sl AS order_sl, o.current_tp AS order_tp,
        o.recommendation_id AS order_recommendation_id, o.signal_id AS order_signal_id
    FROM legs l
    LEFT JOIN orders o ON o.account IS NOT DISTINCT FROM l.account AND o.order_ticket = l.opening_order
),
-- events of the position assigned to the leg that was open at their time
moves AS (
    SELECT l.account, l.position_id, l.leg,
        arg_min(coalesce(m.old_sl, m.new_sl), (m.ts, m.seq)) FILTER (WHERE coalesce(m.old_sl, m.new_sl) IS NOT NULL) AS first_known_sl,
        arg_min(coalesce(m.old_tp, m.new_tp), (m.ts, m.seq)) FILTER (WHERE coalesce(m.old_tp, m.new_tp) IS NOT NULL) AS first_known_tp,
        arg_max(m.new_sl, (m.ts, m.seq)) FILTER (WHERE m.new_sl IS NOT NULL) AS last_sl,
        count(*) FILTER (WHERE m.sl_changed AND m.method <> 'initial') AS trail_count,
        count(*) AS stop_moves,
        min(m.ts) FILTER (WHERE m.new_sl IS NOT NULL AND (m.new_sl - l.entry_vwap) * l.sign >= 0) AS breakeven_ts
    FROM legs2 l
    JOIN stop_moves m ON (m.account IS NOT DISTINCT FROM l.account OR m.account IS NULL) AND m.position_id = l.position_id
        AND (l.leg = 1 OR m.ts >= l.first_ts) AND (l.next_leg_ts IS NULL OR m.ts < l.next_leg_ts)
    GROUP BY ALL
),
exc AS (
    SELECT l.account, l.position_id, l.leg,
        CASE WHEN l.sign = 1 THEN min(x.price) FILTER (WHERE x.excursion = 'mae')
             ELSE max(x.price) FILTER (WHERE x.excursion = 'mae') END AS mae_price,
        CASE WHEN l.sign = 1 THEN max(x.price) FILTER (WHERE x.excursion = 'mfe')
             ELSE min(x.price) FILTER (WHERE x.excursion = 'mfe') END AS mfe_price
    FROM legs2 l
    JOIN events x ON x.type = 'position.excursion'
        AND (x.account IS NOT DISTINCT FROM l.account OR x.account IS NULL)
        AND x.position_id = l.position_id
        AND (l.leg = 1 OR x.ts >= l.first_ts) AND (l.next_leg_ts IS NULL OR x.ts < l.next_leg_ts)
    GROUP BY l.account, l.position_id, l.leg, l.sign
),
notes AS (
    SELECT p.account, p.position_id,
        arg_max(a.strategy, a.seq) FILTER (WHERE a.strategy IS NOT NULL) AS strategy,
        arg_max(a.regime, a.seq) FILTER (WHERE a.regime IS NOT NULL) AS regime,
        arg_max(a.tags, a.seq) FILTER (WHERE len(a.tags) > 0) AS tags,
        arg_max(a.note, a.seq) FILTER (WHERE a.note IS NOT NULL) AS note
    FROM (SELECT DISTINCT account, position_id FROM legs) p
    JOIN events a ON a.type = 'trade.annotated' AND a.position_id = p.position_id
        AND (a.account IS NOT DISTINCT FROM p.account OR a.account IS NULL)
    GROUP BY p.account, p.position_id
),
executed AS (
    SELECT account, position_id, order_ticket, arg_min(recommendation_id, seq) AS recommendation_id
    FROM events WHERE type = 'recommendation.executed'
    GROUP BY account, position_id, order_ticket
),
-- the first recommendation executed on the position or on its opening order: the least of
-- the two (least skips NULL), as two equi-joins
executed_by_position AS (
    SELECT account, position_id, min(recommendation_id) AS recommendation_id
    FROM executed WHERE position_id IS NOT NULL GROUP BY account, position_id
),
executed_by_order AS (
    SELECT account, order_ticket, min(recommendation_id) AS recommendation_id
    FROM executed WHERE order_ticket IS NOT NULL GROUP BY account, order_ticket
),
recs AS (
    SELECT recommendation_id, arg_min(model, seq) AS model, arg_min(prompt_variant, seq) AS prompt_variant,
           arg_min(regime, seq) AS regime, arg_min(signal_id, seq) AS signal_id,
           arg_min(confidence, seq) AS confidence, arg_min(sl, seq) AS sl, arg_min(tp, seq) AS tp
    FROM events WHERE type = 'recommendation.issued'
    GROUP BY recommendation_id
),
signal_regime AS (
    SELECT signal_id, arg_min(regime, seq) AS regime
    FROM events WHERE type = 'signal.detected' GROUP BY signal_id
),
t AS (
    SELECT l.*,
        coalesce(l.order_sl, mv.first_known_sl) AS initial_sl,
        coalesce(mv.last_sl, l.order_sl, mv.first_known_sl) AS final_sl,
        coalesce(l.order_tp, mv.first_known_tp) AS initial_tp,
        coalesce(mv.trail_count, 0) AS trail_count,
        coalesce(mv.stop_moves, 0) AS stop_moves,
        mv.breakeven_ts,
        x.mae_price, x.mfe_price,
        coalesce(l.order_recommendation_id, least(ep.recommendation_id, eo.recommendation_id))
            AS recommendation_id,
        n.strategy, n.regime AS annotated_regime, n.tags, n.note
    FROM legs2 l
    LEFT JOIN moves mv USING (account, position_id, leg)
    LEFT JOIN exc x USING (account, position_id, leg)
    LEFT JOIN notes n ON n.account IS NOT DISTINCT FROM l.account AND n.position_id = l.position_id
    LEFT JOIN executed_by_position ep
           ON ep.account IS NOT DISTINCT FROM l.account AND ep.position_id = l.position_id
    LEFT JOIN executed_by_order eo
           ON eo.account IS NOT DISTINCT FROM l.account AND eo.order_ticket = l.opening_order
),
t2 AS (
    SELECT t.*,
        r.model, r.prompt_variant, r.confidence AS recommendation_confidence,
        coalesce(t.order_signal_id, r.signal_id) AS signal_id,
        coalesce(t.annotated_regime, r.regime, s.regime) AS regime,
        nullif(abs(t.entry_vwap - t.initial_sl), 0) AS risk_price,
        _trade_move_lots(t.side, t.entry_vwap, t.exit_vwap, t.volume_out) AS move_lots,
        coalesce(t.initial_tp, r.tp) AS planned_tp
    FROM t
    LEFT JOIN recs r USING (recommendation_id)
    LEFT JOIN signal_regime s ON s.signal_id = coalesce(t.order_signal_id, r.signal_id)
),
vpp AS (
    SELECT *,
        _trade_own_vpp(status, profit, move_lots) AS own_vpp
    FROM t2
),
-- pooled over the account's trades in the symbol with their own estimate (in a catch-up: the
-- recomputed ones and the stored ones of the other positions)
pool AS (
    SELECT account, symbol, sum(profit) / nullif(sum(move_lots), 0) AS symbol_vpp
    FROM (
        SELECT account, symbol, profit, move_lots FROM vpp WHERE own_vpp IS NOT NULL
        UNION ALL
        SELECT account, symbol, profit, move_lots
        FROM (SELECT t.account, t.symbol, t.status, t.profit,
                     _trade_move_lots(t.side, t.entry_vwap, t.exit_vwap, t.volume_out) AS move_lots
              FROM trades t
              WHERE after <> 0 AND NOT EXISTS (SELECT 1 FROM _trade_todo k
                                               WHERE k.account IS NOT DISTINCT FROM t.account
                                                 AND k.position_id = t.position_id))
        WHERE _trade_own_vpp(status, profit, move_lots) IS NOT NULL
    )
    GROUP BY account, symbol
),
-- the contract value from symbol.spec_changed (tick_value / tick_size per lot): the last spec
-- journaled by the trade's close, else the first one journaled at all (a backfill's)
spec AS (
    SELECT v.account, v.position_id, v.leg,
        coalesce(arg_max(e.tick_value / e.tick_size, e.seq)
                     FILTER (WHERE e.ts <= coalesce(v.last_close_ts, e.ts)),
                 arg_min(e.tick_value / e.tick_size, e.seq)) AS spec_vpp
    FROM vpp v
    JOIN events e ON e.type = 'symbol.spec_changed' AND e.symbol = v.symbol
        AND e.account IS NOT DISTINCT FROM v.account AND e.tick_size > 0 AND e.tick_value > 0
    GROUP BY v.account, v.position_id, v.leg
),
vpp2 AS (
    SELECT v.*, p.symbol_vpp, sp.spec_vpp
    FROM vpp v
    LEFT JOIN pool p ON p.account IS NOT DISTINCT FROM v.account
                    AND p.symbol IS NOT DISTINCT FROM v.symbol
    LEFT JOIN spec sp ON sp.account IS NOT DISTINCT FROM v.account
                     AND sp.position_id = v.position_id AND sp.leg = v.leg
),
r AS (
    SELECT *,
        coalesce(spec_vpp, own_vpp, symbol_vpp) AS value_per_point,
        CASE WHEN spec_vpp IS NOT NULL THEN 'contract'
             WHEN own_vpp IS NOT NULL THEN 'money'
             WHEN symbol_vpp IS NOT NULL AND symbol_vpp > 0 THEN 'money_symbol_estimate'
             ELSE 'price' END AS vpp_basis
    FROM vpp2
)
SELECT
    account, position_id, leg,
    account || ':' || position_id || CASE WHEN leg > 1 THEN '/' || leg ELSE '' END AS trade_id,
    symbol, side, status,
    open_ts, CASE WHEN status = 'closed' THEN last_close_ts END AS close_ts,
    CASE WHEN status = 'closed' THEN (epoch_us(last_close_ts) - epoch_us(open_ts)) / 1e6 END AS duration_s,
    volume_in, volume_out, entry_vwap, exit_vwap,
    initial_sl, final_sl, initial_tp,
    net_pnl, profit, commission, swap, fee,
    CASE WHEN status = 'closed' AND risk_price IS NOT NULL THEN
        CASE WHEN value_per_point > 0
             THEN round(net_pnl / (risk_price * volume_in * value_per_point), 10)::DOUBLE
             ELSE round((exit_vwap - entry_vwap) * sign / risk_price, 10)::DOUBLE END
    END AS r_multiple,
    CASE WHEN status = 'closed' AND risk_price IS NOT NULL THEN
        CASE WHEN value_per_point > 0 THEN vpp_basis ELSE 'price' END END AS r_basis,
    CASE WHEN status = 'closed' AND risk_price IS NOT NULL
         THEN round((exit_vwap - entry_vwap) * sign / risk_price, 10)::DOUBLE END AS r_price,
    CAST(risk_price AS DECIMAL(38, 10)) AS initial_risk_price,
    CASE WHEN value_per_point > 0 THEN CAST(risk_price * volume_in * value_per_point AS DECIMAL(38, 10)) END
        AS initial_risk_money,
    round(value_per_point, 10)::DOUBLE AS value_per_point,
    round(abs(planned_tp - entry_vwap) / risk_price, 10)::DOUBLE AS planned_r,
    close_reason, deals, closing_deals, trail_count, stop_moves,
    CASE WHEN breakeven_ts IS NOT NULL THEN (epoch_us(breakeven_ts) - epoch_us(open_ts)) / 1e6 END
        AS time_to_breakeven_s,
    round((final_sl - entry_vwap) * sign / risk_price, 10)::DOUBLE AS final_stop_r,
    mae_price, mfe_price,
    round((mae_price - entry_vwap) * sign / risk_price, 10)::DOUBLE AS mae_r,
    round((mfe_price - entry_vwap) * sign / risk_price, 10)::DOUBLE AS mfe_r,
    CASE WHEN value_per_point > 0
         THEN CAST((mae_price - entry_vwap) * sign * volume_in * value_per_point AS DECIMAL(38, 10)) END AS mae_money,
    CASE WHEN value_per_point > 0
         THEN CAST((mfe_price - entry_vwap) * sign * volume_in * value_per_point AS DECIMAL(38, 10)) END AS mfe_money,
    CASE WHEN status = 'closed' AND (mfe_price - entry_vwap) * sign > 0
         THEN round((exit_vwap - entry_vwap) / (mfe_price - entry_vwap), 10)::DOUBLE END AS efficiency,
    CASE WHEN status = 'closed' AND risk_price IS NOT NULL AND mfe_price IS NOT NULL
         THEN round(((mfe_price - exit_vwap) * sign) / risk_price, 10)::DOUBLE END AS r_given_back,
    strategy, regime, tags, note,
    recommendation_id, signal_id, model, prompt_variant, recommendation_confidence,
    opening_order, first_seq, last_seq
FROM r;

CREATE OR REPLACE TABLE trades AS SELECT * FROM _trades_rows(0);
DROP TABLE _trade_todo;


COMMENT ON TABLE trades IS 'One row per position (per leg of a reversed netting position): volumes, VWAPs, stops, net P&L, R, MAE/MFE, links.';
COMMENT ON COLUMN trades.leg IS '1, or 2, 3, ... after each inout reversal of a netting position';
COMMENT ON COLUMN trades.trade_id IS 'account:position_id, with /leg for legs after a reversal';
COMMENT ON COLUMN trades.side IS 'buy (long) or sell (short): direction of the first opening deal';
COMMENT ON COLUMN trades.status IS 'closed when volume_out >= volume_in, else open';
COMMENT ON COLUMN trades.net_pnl IS 'sum of profit + commission + swap + fee of the trade''s deals (realised so far when open)';
COMMENT ON COLUMN trades.initial_sl IS 'first stop known: opening order sl, else first position.stop_moved old_sl/new_sl';
COMMENT ON COLUMN trades.r_multiple IS 'net_pnl / initial_risk_money (see r_basis); NULL without an initial stop or while open';
COMMENT ON COLUMN trades.r_basis IS 'contract: tick value / tick size from symbol.spec_changed; money: own profit per price unit; money_symbol_estimate: pooled over the symbol; price: price-unit R, costs ignored';
COMMENT ON COLUMN trades.r_price IS '(exit_vwap - entry_vwap) * sign / |entry_vwap - initial_sl| (price units, before costs)';
COMMENT ON COLUMN trades.value_per_point IS 'money per 1.0 price unit per lot: from the contract spec, else estimated (see r_basis)';
COMMENT ON COLUMN trades.planned_r IS '|TP - entry| / |entry - initial SL| with TP from the order, first stop move, or recommendation';
COMMENT ON COLUMN trades.close_reason IS 'reason of the last closing deal: sl, tp, client, expert, so, ...';
COMMENT ON COLUMN trades.trail_count IS 'stop moves that changed the SL (method other than initial)';
COMMENT ON COLUMN trades.final_stop_r IS 'R locked by the final stop: (final_sl - entry) * sign / initial risk';
COMMENT ON COLUMN trades.efficiency IS 'realised move / best favourable move (MFE)';
COMMENT ON COLUMN trades.r_given_back IS 'R between the MFE and the exit (price units)';

-- incremental:
CREATE OR REPLACE TEMP TABLE _trade_todo AS
SELECT * FROM _trade_keys(getvariable('projection_after'));
DELETE FROM trades WHERE EXISTS (SELECT 1 FROM _trade_todo k
                                 WHERE k.account IS NOT DISTINCT FROM trades.account
                                   AND k.position_id = trades.position_id);
INSERT INTO trades SELECT * FROM _trades_rows(getvariable('projection_after'));
DROP TABLE _trade_todo;
