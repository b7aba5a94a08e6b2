-- Journal statistics per closed position (docs/statistics.md), overall and by dimension.
-- inputs:  trades, deals, events[account.balance_changed]
-- mode:    views
-- outputs: trade_facts (macro), trade_stats (macro), stats_overall, stats_by_symbol,
--          stats_by_side, stats_by_strategy, stats_by_regime, stats_by_weekday, stats_by_hour, stats_by_session, stats_by_month, stats_by_model,
--          stats_by_prompt_variant, stats_by_close_reason, stats_by_account
--
-- Unit = one closed trade (partial closes folded in); net = trades.net_pnl.
-- outcome: W net > tol, L net < -tol, else B (tol in money, default 0).
-- win_rate = W / (W + L); win_rate_incl_be = W / N. profit_factor = sum W / |sum L|; no
-- losses -> +inf with profit_factor_is_inf (NULL when there is no win either).
-- payoff_ratio = avg W / |avg L|. expectancy = mean net; expectancy_r = mean R over trades with R
-- (trades_without_r counts the others). SQN = sqrt(N) * mean(R) / stdev(R) (ddof 1) over trades
-- with R, sqn_warning when N < 30, sqn100 uses sqrt(min(N, 100)); with fewer than 2 R values the
-- money-based fallback is used and sqn_basis = 'money'.
-- Drawdown in trade_stats (every group of a breakdown): on the group's realised curve by close
-- time, from start_balance = the selected accounts' balance before the selection's first trade
-- (or `since`; _balance_before in 190_performance.sql). Cash flows are not performance: money
-- drawdown = max drop of the cumulative P&L from its running peak (the start counts as a peak of
-- 0); % = max drop of the time-weighted index, the product of (base + pnl) / base over the
-- trades, base = the balance before the trade (start balance, earlier results and every cash
-- flow since the cutoff); NULL once a base is <= 0. Peak time: when the P&L first reached the
-- level of the largest drop (NULL when that is the start); trough: its earliest point; current
-- drawdown. The overall statistics take their drawdown from perf_drawdown (190_performance.sql).
-- Streaks by close time: a breakeven breaks a run; current_streak > 0 wins, < 0 losses, 0 BE.
-- weekday/hour: of the open time in the display zone `tz`; month: of the close time in `tz`;
-- session by UTC open hour: asia [0,7), london [7,13), new_york [13,21), late [21,24).
CREATE OR REPLACE MACRO trade_facts(tol := 0, tz := 'UTC', since := NULL, until := NULL, acct := NULL) AS TABLE
SELECT t.*,
    CASE WHEN t.net_pnl > tol THEN 'W' WHEN t.net_pnl < -tol THEN 'L' ELSE 'B' END AS outcome,
    dayname(timezone(tz, t.open_ts)) AS weekday,
    isodow(timezone(tz, t.open_ts)) AS weekday_no,
    hour(timezone(tz, t.open_ts)) AS open_hour,
    CASE WHEN hour(timezone('UTC', t.open_ts)) < 7 THEN 'asia'
         WHEN hour(timezone('UTC', t.open_ts)) < 13 THEN 'london'
         WHEN hour(timezone('UTC', t.open_ts)) < 21 THEN 'new_york' ELSE 'late' END AS session,
    strftime(timezone(tz, t.close_ts), '%Y-%m') AS month
FROM trades t
WHERE t.status = 'closed'
  AND (since IS NULL OR t.close_ts >= CAST(since AS TIMESTAMPTZ))
  AND (until IS NULL OR t.close_ts < CAST(until AS TIMESTAMPTZ))
  AND (acct IS NULL OR t.account = acct);

CREATE OR REPLACE MACRO trade_stats(dim := NULL, tol := 0, tz := 'UTC', since := NULL, until := NULL, acct := NULL) AS TABLE
WITH f AS (
    SELECT *,
        CASE WHEN dim IS NULL THEN 'all'
             WHEN dim = 'symbol' THEN symbol WHEN dim = 'side' THEN side
             WHEN dim = 'strategy' THEN strategy WHEN dim = 'regime' THEN regime
             WHEN dim = 'weekday' THEN weekday WHEN dim = 'hour' THEN lpad(CAST(open_hour AS VARCHAR), 2, '0')
             WHEN dim = 'session' THEN session WHEN dim = 'month' THEN month
             WHEN dim = 'model' THEN model WHEN dim = 'prompt_variant' THEN prompt_variant
             WHEN dim = 'close_reason' THEN close_reason WHEN dim = 'account' THEN account
             ELSE error('trade_stats: unknown dimension ' || dim) END AS grp,
        CASE WHEN dim = 'weekday' THEN weekday_no WHEN dim = 'hour' THEN open_hour END AS sort_key
    FROM trade_facts(tol := tol, tz := tz, since := since, until := until, acct := acct)
),
cut AS (
    SELECT coalesce(CAST(since AS TIMESTAMPTZ), min(open_ts)) AS cutoff FROM f
),
sb AS (
    SELECT coalesce((SELECT sum(b.balance) FROM _balance_before((SELECT cutoff FROM cut)) b
                     WHERE EXISTS (SELECT 1 FROM f WHERE f.account IS NOT DISTINCT FROM b.account)), 0)
        AS start_balance
),
o AS (
    SELECT f.*, row_number() OVER (PARTITION BY grp ORDER BY close_ts, trade_id) AS k FROM f
),
-- the group's realised curve: its trades' results, and the selected accounts' cash flows from
-- the cutoff on (they move the base of the returns, never the P&L); flows first on a tie
flows AS (
    SELECT e.account, e.ts, e.seq, e.amount
    FROM events e, cut
    WHERE e.type = 'account.balance_changed' AND e.ts >= cut.cutoff
      AND (until IS NULL OR e.ts < CAST(until AS TIMESTAMPTZ))
      AND EXISTS (SELECT 1 FROM f WHERE f.account IS NOT DISTINCT FROM e.account)
),
pts AS (
    SELECT grp, close_ts AS ts, 1 AS cls, 0 AS seq, trade_id, net_pnl AS pnl, 0 AS cf FROM f
    UNION ALL
    SELECT g.grp, fl.ts, 0, fl.seq, NULL, 0, fl.amount
    FROM (SELECT DISTINCT grp FROM f) g, flows fl
),
curve AS (
    SELECT p.*, sb.start_balance,
        sum(p.pnl) OVER w AS cum_pnl,
        sb.start_balance + sum(p.pnl + p.cf) OVER w - p.pnl AS base
    FROM pts p, sb
    WINDOW w AS (PARTITION BY p.grp ORDER BY p.ts, p.cls, p.seq, p.trade_id ROWS UNBOUNDED PRECEDING)
),
curve1 AS (
    SELECT *, pnl = 0 OR (base > 0 AND base + pnl > 0) AS valid FROM curve
),
curve2 AS (
    SELECT *, row_number() OVER w AS n,
        -- the time-weighted index: the product of (base + pnl) / base; NULL from a return the
        -- curve cannot express (a base <= 0, a loss of everything) on
        CASE WHEN bool_and(valid) OVER w
             THEN exp(sum(CASE WHEN valid AND pnl <> 0
                               THEN ln(CAST(base + pnl AS DOUBLE) / CAST(base AS DOUBLE)) ELSE 0 END) OVER w)
        END AS idx,
        greatest(0, max(cum_pnl) OVER w) AS peak
    FROM curve1
    WINDOW w AS (PARTITION BY grp ORDER BY ts, cls, seq, trade_id ROWS UNBOUNDED PRECEDING)
),
curve3 AS (
    SELECT *, 100 * (1 - idx / greatest(1, max(idx) OVER w)) AS dd_pct
    FROM curve2
    WINDOW w AS (PARTITION BY grp ORDER BY n ROWS UNBOUNDED PRECEDING)
),
dd0 AS (
    SELECT grp, max(peak - cum_pnl) AS max_drawdown,
        CASE WHEN bool_and(idx IS NOT NULL) THEN max(dd_pct) END AS max_drawdown_pct,
        arg_max(peak - cum_pnl, n) AS current_drawdown,
        any_value(start_balance) AS start_balance
    FROM curve3 GROUP BY grp
),
dd AS (
    -- trough: the earliest point of the largest drop; peak: where the P&L first reached the level
    -- it fell from (NULL when that is the start itself)
    SELECT d.grp, d.max_drawdown, d.max_drawdown_pct, d.current_drawdown, d.start_balance,
        min(c.ts) FILTER (WHERE c.peak - c.cum_pnl = d.max_drawdown) AS drawdown_trough_ts,
        arg_min(c.peak, c.n) FILTER (WHERE c.peak - c.cum_pnl = d.max_drawdown) AS trough_peak
    FROM dd0 d JOIN curve3 c ON c.grp IS NOT DISTINCT FROM d.grp
    GROUP BY ALL
),
dd2 AS (
    SELECT d.*,
        (SELECT min(c.ts) FROM curve3 c
         WHERE c.grp IS NOT DISTINCT FROM d.grp AND d.trough_peak > 0 AND c.cum_pnl = d.trough_peak)
            AS drawdown_peak_ts
    FROM dd d
),
runs AS (
    SELECT grp, outcome, count(*) AS len, max(k) AS last_k
    FROM (SELECT grp, outcome, k,
                 k - row_number() OVER (PARTITION BY grp, outcome ORDER BY k) AS island FROM o)
    GROUP BY grp, outcome, island
),
streaks AS (
    SELECT grp,
        coalesce(max(len) FILTER (WHERE outcome = 'W'), 0) AS longest_win_streak,
        coalesce(max(len) FILTER (WHERE outcome = 'L'), 0) AS longest_loss_streak,
        arg_max(CASE outcome WHEN 'W' THEN len WHEN 'L' THEN -len ELSE 0 END, last_k) AS current_streak
    FROM runs GROUP BY grp
),
agg AS (
    SELECT grp, min(sort_key) AS sort_key,
        count(*) AS trades,
        count(*) FILTER (WHERE outcome = 'W') AS wins,
        count(*) FILTER (WHERE outcome = 'L') AS losses,
        count(*) FILTER (WHERE outcome = 'B') AS breakevens,
        CAST(sum(net_pnl) AS DECIMAL(38, 10)) AS net_pnl,
        CAST(coalesce(sum(net_pnl) FILTER (WHERE outcome = 'W'), 0) AS DECIMAL(38, 10)) AS gross_win,
        CAST(coalesce(sum(net_pnl) FILTER (WHERE outcome = 'L'), 0) AS DECIMAL(38, 10)) AS gross_loss,
        CAST(sum(commission + swap + fee) AS DECIMAL(38, 10)) AS costs,
        avg(net_pnl) FILTER (WHERE outcome = 'W') AS avg_win,
        avg(net_pnl) FILTER (WHERE outcome = 'L') AS avg_loss,
        avg(net_pnl) AS expectancy,
        stddev_samp(CAST(net_pnl AS DOUBLE)) AS stdev_pnl,
        max(net_pnl) AS best_trade, min(net_pnl) AS worst_trade,
        count(r_multiple) AS trades_with_r,
        count(*) - count(r_multiple) AS trades_without_r,
        avg(r_multiple) AS expectancy_r, stddev_samp(r_multiple) AS stdev_r,
        avg(duration_s) AS avg_duration_s,
        avg(mae_r) AS avg_mae_r, avg(mfe_r) AS avg_mfe_r, avg(efficiency) AS avg_efficiency,
        avg(trail_count) AS avg_trail_count, avg(r_given_back) AS avg_r_given_back,
        avg(time_to_breakeven_s) AS avg_time_to_breakeven_s,
        min(open_ts) AS first_open_ts, max(close_ts) AS last_close_ts
    FROM o GROUP BY grp
)
SELECT
    a.grp AS "group", a.trades, a.wins, a.losses, a.breakevens,
    a.wins / nullif(a.wins + a.losses, 0) AS win_rate,
    a.wins / nullif(a.trades, 0) AS win_rate_incl_be,
    a.net_pnl, a.gross_win, a.gross_loss, a.costs,
    CASE WHEN a.gross_loss < 0 THEN CAST(a.gross_win AS DOUBLE) / abs(CAST(a.gross_loss AS DOUBLE))
         WHEN a.gross_win > 0 THEN 'inf'::DOUBLE END AS profit_factor,
    (a.gross_loss = 0 AND a.gross_win > 0) AS profit_factor_is_inf,
    a.avg_win / abs(a.avg_loss) AS payoff_ratio,
    CAST(a.avg_win AS DECIMAL(38, 10)) AS avg_win, CAST(a.avg_loss AS DECIMAL(38, 10)) AS avg_loss,
    CAST(a.expectancy AS DECIMAL(38, 10)) AS expectancy,
    a.expectancy_r, a.trades_with_r, a.trades_without_r,
    CASE WHEN a.trades_with_r >= 2 AND a.stdev_r > 0
              THEN sqrt(a.trades_with_r) * a.expectancy_r / a.stdev_r
         WHEN a.trades_with_r < 2 AND a.trades >= 2 AND a.stdev_pnl > 0
              THEN sqrt(a.trades) * CAST(a.expectancy AS DOUBLE) / a.stdev_pnl END AS sqn,
    CASE WHEN a.trades_with_r >= 2 AND a.stdev_r > 0
              THEN sqrt(least(a.trades_with_r, 100)) * a.expectancy_r / a.stdev_r
         WHEN a.trades_with_r < 2 AND a.trades >= 2 AND a.stdev_pnl > 0
              THEN sqrt(least(a.trades, 100)) * CAST(a.expectancy AS DOUBLE) / a.stdev_pnl END AS sqn100,
    CASE WHEN a.trades_with_r >= 2 THEN 'R' ELSE 'money' END AS sqn_basis,
    (CASE WHEN a.trades_with_r >= 2 THEN a.trades_with_r ELSE a.trades END) < 30 AS sqn_warning,
    CAST(d.start_balance AS DECIMAL(38, 10)) AS start_balance,
    CAST(d.max_drawdown AS DECIMAL(38, 10)) AS max_drawdown, d.max_drawdown_pct,
    CASE WHEN d.max_drawdown > 0 THEN d.drawdown_peak_ts END AS drawdown_peak_ts,
    CASE WHEN d.max_drawdown > 0 THEN d.drawdown_trough_ts END AS drawdown_trough_ts,
    CAST(d.current_drawdown AS DECIMAL(38, 10)) AS current_drawdown,
    s.longest_win_streak, s.longest_loss_streak, s.current_streak,
    a.best_trade, a.worst_trade, a.avg_duration_s, a.avg_mae_r, a.avg_mfe_r, a.avg_efficiency,
    a.avg_trail_count, a.avg_r_given_back, a.avg_time_to_breakeven_s,
    a.first_open_ts, a.last_close_ts, a.sort_key
FROM agg a
JOIN dd2 d ON d.grp IS NOT DISTINCT FROM a.grp
JOIN streaks s ON s.grp IS NOT DISTINCT FROM a.grp
ORDER BY a.sort_key NULLS LAST, a.grp NULLS LAST;

CREATE OR REPLACE VIEW stats_overall AS SELECT * FROM trade_stats();
CREATE OR REPLACE VIEW stats_by_symbol AS SELECT * FROM trade_stats(dim := 'symbol');
CREATE OR REPLACE VIEW stats_by_side AS SELECT * FROM trade_stats(dim := 'side');
CREATE OR REPLACE VIEW stats_by_strategy AS SELECT * FROM trade_stats(dim := 'strategy');
CREATE OR REPLACE VIEW stats_by_regime AS SELECT * FROM trade_stats(dim := 'regime');
CREATE OR REPLACE VIEW stats_by_weekday AS SELECT * FROM trade_stats(dim := 'weekday');
CREATE OR REPLACE VIEW stats_by_hour AS SELECT * FROM trade_stats(dim := 'hour');
CREATE OR REPLACE VIEW stats_by_session AS SELECT * FROM trade_stats(dim := 'session');
CREATE OR REPLACE VIEW stats_by_month AS SELECT * FROM trade_stats(dim := 'month');
CREATE OR REPLACE VIEW stats_by_model AS SELECT * FROM trade_stats(dim := 'model');
CREATE OR REPLACE VIEW stats_by_prompt_variant AS SELECT * FROM trade_stats(dim := 'prompt_variant');
CREATE OR REPLACE VIEW stats_by_close_reason AS SELECT * FROM trade_stats(dim := 'close_reason');
CREATE OR REPLACE VIEW stats_by_account AS SELECT * FROM trade_stats(dim := 'account');

COMMENT ON VIEW stats_overall IS 'Journal statistics over all closed trades (docs/statistics.md; tol 0, UTC).';
COMMENT ON VIEW stats_by_symbol IS 'trade_stats by symbol';
COMMENT ON VIEW stats_by_side IS 'trade_stats by side (buy = long, sell = short)';
COMMENT ON VIEW stats_by_strategy IS 'trade_stats by strategy (trade.annotated)';
COMMENT ON VIEW stats_by_regime IS 'trade_stats by regime (annotation, else recommendation, else signal)';
COMMENT ON VIEW stats_by_weekday IS 'trade_stats by weekday of the open time (UTC)';
COMMENT ON VIEW stats_by_hour IS 'trade_stats by hour of the open time (UTC, 00-23)';
COMMENT ON VIEW stats_by_session IS 'trade_stats by session of the UTC open hour: asia, london, new_york, late';
COMMENT ON VIEW stats_by_month IS 'trade_stats by month of the close time (UTC, YYYY-MM)';
COMMENT ON VIEW stats_by_model IS 'trade_stats by the model of the recommendation behind the trade';
COMMENT ON VIEW stats_by_prompt_variant IS 'trade_stats by prompt variant of the recommendation';
COMMENT ON VIEW stats_by_close_reason IS 'trade_stats by close reason (sl, tp, client, expert, ...)';
COMMENT ON VIEW stats_by_account IS 'trade_stats by account';
COMMENT ON MACRO TABLE trade_facts IS 'trade_facts(tol, tz, since, until, acct): closed trades with outcome W/L/B, weekday, hour, session, month.';
COMMENT ON MACRO TABLE trade_stats IS 'trade_stats(dim, tol, tz, since, until, acct): journal statistics per group of dim (NULL: overall); see 200_stats.sql for definitions.';
