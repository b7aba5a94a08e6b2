-- AI, signal, engagement and latency figures (docs/statistics.md section 4), as views.
-- inputs:  recommendations, signals, user_actions, metrics, llm_calls, trades
-- mode:    views
-- outputs: recommendation_stats, recommendation_calibration, recommendation_slippage,
--          signal_stats, engagement_by_user, engagement_top_actions, engagement_daily,
--          latency_stats, llm_cost_by_model
-- recommendation_stats: grouping 'all', 'symbol' and 'model' (column grouping, value in
-- "group"); executed = approved and filled; win rate / avg P&L / avg R over executed ones that
-- are closed (win = net > 0). cost_per_trade = LLM cost of all recommendations / executed.
-- Calibration buckets: 0-49, 50-69, 70-84, 85-100. Latency: p50/p95 = quantile_cont.
CREATE OR REPLACE VIEW recommendation_stats AS
SELECT
    CASE WHEN grouping(symbol) = 0 THEN 'symbol' WHEN grouping(model) = 0 THEN 'model' ELSE 'all' END AS grouping,
    coalesce(symbol, model, 'all') AS "group",
    count(*) AS recommendations,
    count(*) FILTER (WHERE direction <> 'HOLD') AS actionable,
    count(*) FILTER (WHERE executed) AS executed,
    count(*) FILTER (WHERE executed) / nullif(count(*) FILTER (WHERE direction <> 'HOLD'), 0) AS execution_rate,
    count(*) FILTER (WHERE executed AND trade_status = 'closed') AS closed,
    count(*) FILTER (WHERE executed AND won) / nullif(count(*) FILTER (WHERE executed AND trade_status = 'closed'), 0) AS win_rate,
    CAST(avg(net_pnl) FILTER (WHERE executed AND trade_status = 'closed') AS DECIMAL(38, 10)) AS avg_pnl,
    avg(r_multiple) FILTER (WHERE executed AND trade_status = 'closed') AS avg_r,
    CAST(sum(net_pnl) FILTER (WHERE executed AND trade_status = 'closed') AS DECIMAL(38, 10)) AS total_pnl,
    avg(planned_r) AS avg_planned_r,
    CAST(sum(cost_usd) AS DECIMAL(38, 10)) AS cost_usd,
    CAST(sum(cost_usd) / nullif(count(*) FILTER (WHERE executed), 0) AS DECIMAL(38, 10)) AS cost_per_trade
FROM recommendations
GROUP BY GROUPING SETS ((), (symbol), (model))
ORDER BY 1, 2;

CREATE OR REPLACE VIEW recommendation_calibration AS
SELECT confidence_bucket, count(*) AS recommendations,
    count(*) FILTER (WHERE executed) AS executed,
    count(*) FILTER (WHERE executed AND trade_status = 'closed') AS closed,
    count(*) FILTER (WHERE executed AND won) AS wins,
    count(*) FILTER (WHERE executed AND won) / nullif(count(*) FILTER (WHERE executed AND trade_status = 'closed'), 0) AS win_rate,
    avg(confidence) AS avg_confidence
FROM recommendations
GROUP BY confidence_bucket
ORDER BY min(confidence);

CREATE OR REPLACE VIEW recommendation_slippage AS
SELECT symbol, count(*) FILTER (WHERE fill_price IS NOT NULL) AS filled,
    CAST(avg(entry_slippage) AS DECIMAL(38, 10)) AS avg_entry_slippage,
    CAST(max(entry_slippage) AS DECIMAL(38, 10)) AS worst_entry_slippage,
    CAST(avg(abs(sl_difference)) AS DECIMAL(38, 10)) AS avg_abs_sl_difference,
    CAST(avg(abs(tp_difference)) AS DECIMAL(38, 10)) AS avg_abs_tp_difference
FROM recommendations WHERE filled
GROUP BY symbol ORDER BY symbol;

CREATE OR REPLACE VIEW signal_stats AS
SELECT coalesce(symbol, 'all') AS symbol, coalesce(direction, 'all') AS direction,
    count(*) AS signals, avg(confidence) AS avg_confidence,
    count(*) FILTER (WHERE notified) AS notified,
    count(*) FILTER (WHERE followed) AS followed,
    count(*) FILTER (WHERE followed) / count(*) AS followed_share,
    count(*) FILTER (WHERE followed AND trade_status = 'closed' AND trade_net_pnl > 0) AS followed_wins,
    CAST(avg(trade_net_pnl) FILTER (WHERE followed AND trade_status = 'closed') AS DECIMAL(38, 10)) AS avg_followed_pnl,
    avg(trade_r_multiple) FILTER (WHERE followed AND trade_status = 'closed') AS avg_followed_r
FROM signals
GROUP BY GROUPING SETS ((), (symbol, direction))
ORDER BY grouping(symbol, direction) DESC, 1, 2;

CREATE OR REPLACE VIEW engagement_by_user AS
SELECT user_id, any_value(username) AS username, count(*) AS actions,
    count(*) FILTER (WHERE kind = 'command') AS commands,
    count(*) FILTER (WHERE kind = 'button') AS buttons,
    count(*) FILTER (WHERE kind = 'message') AS messages,
    count(DISTINCT day) AS active_days, min(ts) AS first_ts, max(ts) AS last_ts
FROM user_actions GROUP BY user_id ORDER BY actions DESC, user_id;

CREATE OR REPLACE VIEW engagement_top_actions AS
SELECT kind, CASE WHEN kind = 'command' THEN command ELSE data END AS action,
    count(*) AS uses, count(DISTINCT user_id) AS users
FROM user_actions WHERE kind IN ('command', 'button')
GROUP BY ALL ORDER BY uses DESC, kind, action;

CREATE OR REPLACE VIEW engagement_daily AS
SELECT day, count(DISTINCT user_id) AS active_users, count(*) AS actions
FROM user_actions GROUP BY day ORDER BY day;

CREATE OR REPLACE VIEW latency_stats AS
SELECT name, count(*) AS n,
    quantile_cont(duration_ms, 0.5) AS p50_ms, quantile_cont(duration_ms, 0.95) AS p95_ms,
    max(duration_ms) AS max_ms, avg(duration_ms) AS avg_ms
FROM metrics GROUP BY name ORDER BY name;

CREATE OR REPLACE VIEW llm_cost_by_model AS
SELECT model, count(*) AS calls, count(*) FILTER (WHERE status = 'error') AS errors,
    sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,
    sum(cached_tokens) AS cached_tokens, CAST(sum(cost_usd) AS DECIMAL(38, 10)) AS cost_usd,
    quantile_cont(latency_ms, 0.5) AS p50_latency_ms, quantile_cont(latency_ms, 0.95) AS p95_latency_ms
FROM llm_calls GROUP BY model ORDER BY model;

COMMENT ON VIEW recommendation_stats IS 'Recommendations: total, executed, execution rate, win rate / avg P&L / avg R of executed, cost; overall, by symbol, by model.';
COMMENT ON VIEW recommendation_calibration IS 'Win rate of executed recommendations by confidence bucket (0-49, 50-69, 70-84, 85-100).';
COMMENT ON VIEW recommendation_slippage IS 'Recommended vs filled: entry slippage (positive = worse), SL and TP differences, by symbol.';
COMMENT ON VIEW signal_stats IS 'Signals by symbol and direction: count, confidence, notified, share followed by a trade within 30 min, result.';
COMMENT ON VIEW engagement_by_user IS 'Actions per user (commands, buttons, messages) and active days.';
COMMENT ON VIEW engagement_top_actions IS 'Most used commands and buttons.';
COMMENT ON VIEW engagement_daily IS 'Active users and actions per UTC day.';
COMMENT ON VIEW latency_stats IS 'p50 / p95 / max / mean of each metric.timing name, in ms.';
COMMENT ON VIEW llm_cost_by_model IS 'LLM calls, errors, tokens, cost and latency by model.';
