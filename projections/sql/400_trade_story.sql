-- trade_story(position_id, acct): a position's whole story in time order, one row per event.
-- inputs:  trades, orders, recommendations (the macro reads events when it is called)
-- mode:    views
-- outputs: trade_story (macro)
-- Collected: the signal (detected, notified), the recommendation's life cycle and its
-- conversation (started, messages, ended), every order of the position and the orders of its
-- OCO groups (placed, modified, cancelled, rejected), the OCO events, the deals, stop moves,
-- excursions, annotations and alerts of the position; then, through the envelope links, what
-- carries none of those ids: every event these were caused by (causation_id, followed back to
-- the root: the user's command or button, the LLM call behind the recommendation), the LLM
-- calls and user actions of the same chains (correlation_id of those events, or whose id is
-- one: e.g. a call retried after a rate limit), and the alerts caused by any event of the
-- story. Then one 'trade.result' row per leg (net P&L and R). Ordered by (ts, seq); result rows
-- come last at their close time.
CREATE OR REPLACE MACRO trade_story(pid, acct := NULL) AS TABLE
WITH RECURSIVE t AS (
    SELECT * FROM trades WHERE position_id = pid AND (acct IS NULL OR account = acct)
),
rec AS (
    SELECT r.* FROM recommendations r WHERE r.recommendation_id IN (SELECT recommendation_id FROM t)
),
direct_orders AS (
    SELECT o.account, o.order_ticket, o.oco_group_id FROM orders o
    WHERE (acct IS NULL OR o.account = acct)
      AND (o.position_id = pid
           OR o.order_ticket IN (SELECT d.order_ticket FROM events d
                                 WHERE d.type = 'deal.filled' AND d.position_id = pid
                                   AND (acct IS NULL OR d.account = acct)))
),
groups AS (
    SELECT DISTINCT oco_group_id FROM direct_orders WHERE oco_group_id IS NOT NULL
    UNION
    SELECT DISTINCT e.oco_group_id FROM events e
    WHERE e.type = 'oco.created' AND (acct IS NULL OR e.account = acct)
      AND (e.leg_a_ticket IN (SELECT order_ticket FROM direct_orders)
           OR e.leg_b_ticket IN (SELECT order_ticket FROM direct_orders))
),
tickets AS (
    SELECT order_ticket FROM direct_orders
    UNION
    SELECT o.order_ticket FROM orders o
    WHERE o.oco_group_id IN (SELECT oco_group_id FROM groups) AND (acct IS NULL OR o.account = acct)
    UNION
    SELECT unnest([e.leg_a_ticket, e.leg_b_ticket]) FROM events e
    WHERE e.type = 'oco.created' AND e.oco_group_id IN (SELECT oco_group_id FROM groups)
),
core AS (
    SELECT e.* FROM events e
    WHERE (e.position_id = pid AND (acct IS NULL OR e.account = acct)
           AND e.type IN ('deal.filled', 'position.stop_moved', 'position.excursion',
                          'trade.annotated', 'alert.raised', 'recommendation.executed'))
       OR (e.type LIKE 'order.%' AND e.order_ticket IN (SELECT order_ticket FROM tickets)
           AND (acct IS NULL OR e.account = acct OR e.account IS NULL))
       OR (e.type LIKE 'oco.%' AND e.oco_group_id IN (SELECT oco_group_id FROM groups))
       OR (e.type LIKE 'recommendation.%' AND e.recommendation_id IN (SELECT recommendation_id FROM t))
       OR (e.type LIKE 'signal.%' AND e.signal_id IN (SELECT signal_id FROM t))
),
conv AS (
    SELECT e.* FROM events e
    WHERE e.type LIKE 'conversation.%'
      AND e.conversation_id IN (SELECT conversation_id FROM rec WHERE conversation_id IS NOT NULL)
),
causes AS (
    -- the causation chains of the trade's events, back to their roots
    SELECT causation_id AS id FROM core WHERE causation_id IS NOT NULL
    UNION
    SELECT e.causation_id FROM events e JOIN causes c ON e.id = c.id WHERE e.causation_id IS NOT NULL
),
chains AS (
    SELECT correlation_id AS id FROM core WHERE correlation_id IS NOT NULL
),
linked AS (
    SELECT e.* FROM events e
    WHERE e.id IN (SELECT id FROM causes)
       OR (e.type IN ('llm.called', 'user.action')
           AND (e.correlation_id IN (SELECT id FROM chains) OR e.id IN (SELECT id FROM chains)))
),
story AS (
    SELECT * FROM core
    UNION
    SELECT * FROM conv
    UNION
    SELECT * FROM linked
),
ev AS (
    SELECT * FROM story
    UNION
    SELECT e.* FROM events e
    WHERE e.type = 'alert.raised' AND e.causation_id IN (SELECT id FROM story)
)
SELECT seq, ts, type,
    CASE
        WHEN type = 'signal.detected' THEN 'signal ' || direction || ' ' || symbol || ' ' || timeframe
            || ' (confidence ' || confidence || coalesce(', ' || nullif(reason, ''), '') || ')'
        WHEN type = 'signal.notified' THEN 'signal sent to chat ' || chat_id
        WHEN type = 'recommendation.issued' THEN 'recommendation ' || direction || ' ' || symbol
            || coalesce(' @ ' || CAST(entry_price AS DOUBLE), '') || coalesce(' SL ' || CAST(sl AS DOUBLE), '')
            || coalesce(' TP ' || CAST(tp AS DOUBLE), '') || ' (' || model || ', confidence ' || confidence || ')'
        WHEN type LIKE 'recommendation.%' THEN replace(type, '.', ' ') || coalesce(': ' || error, '')
        WHEN type = 'conversation.message' THEN role || ': ' || content
        WHEN type LIKE 'conversation.%' THEN replace(type, '.', ' ')
        WHEN type = 'order.placed' THEN 'order ' || order_ticket || ' ' || order_type || ' '
            || CAST(volume AS DOUBLE) || ' ' || symbol || ' @ ' || CAST(price AS DOUBLE)
            || coalesce(' SL ' || CAST(sl AS DOUBLE), '') || coalesce(' TP ' || CAST(tp AS DOUBLE), '')
            || coalesce(' (OCO ' || oco_group_id || ')', '')
        WHEN type = 'order.modified' THEN 'order ' || order_ticket || ' modified'
            || coalesce(' price ' || CAST(price AS DOUBLE), '') || coalesce(' SL ' || CAST(sl AS DOUBLE), '')
            || coalesce(' TP ' || CAST(tp AS DOUBLE), '')
        WHEN type = 'order.cancelled' THEN 'order ' || order_ticket || ' cancelled (' || reason || ')'
        WHEN type = 'order.rejected' THEN 'order rejected, retcode ' || retcode || coalesce(': ' || nullif(comment, ''), '')
        WHEN type = 'oco.created' THEN 'OCO ' || oco_group_id || ': ' || leg_a_ticket || ' / ' || leg_b_ticket
        WHEN type = 'oco.triggered' THEN 'OCO ' || oco_group_id || ': ' || filled_ticket || ' filled, '
            || cancel_ticket || ' cancelled' || coalesce(' in ' || round(cancel_latency_ms, 1) || ' ms', '')
        WHEN type = 'oco.failed' THEN 'OCO ' || oco_group_id || ' failed: ' || kind
        WHEN type = 'deal.filled' THEN 'deal ' || deal_ticket || ' ' || side || ' ' || entry || ' '
            || CAST(volume AS DOUBLE) || ' @ ' || CAST(price AS DOUBLE)
            || ' net ' || CAST(profit + commission + swap + fee AS DOUBLE) || coalesce(' [' || reason || ']', '')
        WHEN type = 'position.stop_moved' THEN 'stop ' || coalesce(CAST(old_sl AS DOUBLE) || '', '-') || ' -> '
            || coalesce(CAST(new_sl AS DOUBLE) || '', '-') || ' (' || method || ')'
        WHEN type = 'position.excursion' THEN 'new ' || upper(excursion) || ' ' || CAST(price AS DOUBLE)
        WHEN type = 'trade.annotated' THEN 'annotated' || coalesce(' strategy=' || strategy, '')
            || coalesce(' regime=' || regime, '') || coalesce(' ' || note, '')
        WHEN type = 'alert.raised' THEN level || ' alert ' || kind || coalesce(': ' || nullif(message, ''), '')
        WHEN type = 'user.action' THEN coalesce(username, 'user ' || user_id) || ' ' || kind || ': ' || data
        WHEN type = 'llm.called' THEN 'LLM ' || purpose || ' call to ' || model || ': ' || status
            || CASE WHEN status = 'error' THEN coalesce(' (' || error || ')', '')
                    ELSE coalesce(', ' || prompt_tokens || ' + ' || completion_tokens || ' tokens', '')
                         || coalesce(', ' || CAST(cost_usd AS DOUBLE) || ' USD', '') END
            || coalesce(', ' || round(latency_ms / 1000, 1) || ' s', '')
        ELSE type
    END AS summary,
    account, symbol, side, entry, volume, price, sl, tp, old_sl, new_sl,
    CAST(CASE WHEN type = 'deal.filled' THEN profit + commission + swap + fee END AS DECIMAL(38, 10)) AS net,
    NULL::DOUBLE AS r_multiple
FROM ev
UNION ALL
SELECT NULL, close_ts, 'trade.result',
    'result ' || trade_id || ': ' || side || ' ' || CAST(volume_in AS DOUBLE) || ' ' || symbol
        || ' net ' || CAST(net_pnl AS DOUBLE)
        || coalesce(', R ' || round(r_multiple, 2), ', R n/a (no initial stop)')
        || coalesce(' [' || close_reason || ']', ''),
    account, symbol, side, NULL, volume_in, exit_vwap, initial_sl, initial_tp, NULL, final_sl,
    net_pnl, r_multiple
FROM t WHERE status = 'closed'
ORDER BY ts, seq NULLS LAST;

COMMENT ON MACRO TABLE trade_story IS 'trade_story(position_id, acct := NULL): the position''s story in time order: signal, recommendation, conversation, orders, fills, stops, OCO, result.';
