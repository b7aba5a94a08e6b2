-- Journal statistics per closed position (journal-stats.md section 2), overall and by dimension.
-- inputs:  trades, deals, equity, daily_equity, events[account.balance_changed]
-- mode:    views
-- outputs: trade_facts (macro), trade_stats (macro), equity_drawdown (macro),
--          equity_ratios (macro), stats_overall, stats_by_symbol, stats_by_side,
--          stats_by_strategy, stats_by_regime, stats_by_weekday, stats_by_hour, stats_by_session,
--          stats_by_month, stats_by_model, stats_by_prompt_variant, stats_by_close_reason,
--          stats_by_account
--
-- Unit = one closed trade (partial closes folded in); net = trades.net_pnl.
-- outcome: W net > tol, L net < -tol, else B (tol in money, default 0).
-- win_rate = W / (W + L); win_rate_incl_be = W / N. profit_factor = sum W / |sum L|; no
-- losses -> +inf with profit_factor_is_inf (NULL when there is no win either).
-- payoff_ratio = avg W / |avg L|. expectancy = mean net; expectancy_r = mean R over trades with R
-- (trades_without_r counts the others). SQN = sqrt(N) * mean(R) / stdev(R) (ddof 1) over trades
-- with R, sqn_warning when N < 30, sqn100 uses sqrt(min(N, 100)); with fewer than 2 R values the
-- money-based fallback is used and sqn_basis = 'money'.
-- Drawdown: on cumulative realised net P&L by close time, starting from start_balance = the
-- balance of the selected accounts before the first trade of the selection (or `since`): per
-- account, the `balance` reported by the last balance operation before it (the balance after
-- that operation), plus the amounts of later balance operations without one and the results of
-- the deals after it, in (ts, deal_ticket, seq) order; with no reported balance, the running sum
-- of every balance operation's amount and deal result. Each group of a breakdown starts from
-- the selection's start_balance. Max money drop from a running peak and its % of that peak
-- (NULL % when the start balance or peak <= 0); peak/trough times (NULL without a drawdown);
-- current drawdown. The equity-curve drawdown from account.snapshot is equity_drawdown(); the
-- Python stats() prefers it when present.
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
flow AS (
    -- what moved the selected accounts' balances before the cutoff, in MT5's deal order
    SELECT e.account, e.ts, e.deal_ticket, e.seq, e.amount AS delta, e.balance AS anchor
    FROM events e, cut
    WHERE e.type = 'account.balance_changed' AND e.ts < cut.cutoff
      AND EXISTS (SELECT 1 FROM f WHERE f.account IS NOT DISTINCT FROM e.account)
    UNION ALL
    SELECT d.account, d.ts, d.deal_ticket, d.seq, d.net, NULL
    FROM deals d, cut
    WHERE d.ts < cut.cutoff
      AND EXISTS (SELECT 1 FROM f WHERE f.account IS NOT DISTINCT FROM d.account)
),
flow_seg AS (
    -- segment k starts at the k-th balance operation that reports the balance after it
    SELECT *, count(anchor) OVER (PARTITION BY account ORDER BY ts, deal_ticket NULLS FIRST, seq
                                  ROWS UNBOUNDED PRECEDING) AS segment
    FROM flow
),
acct_balance AS (
    SELECT account,
        arg_max(seg_balance, segment) AS balance
    FROM (SELECT account, segment,
                 coalesce(max(anchor), 0) + coalesce(sum(delta) FILTER (WHERE anchor IS NULL), 0)
                     AS seg_balance
          FROM flow_seg GROUP BY account, segment)
    GROUP BY account
),
sb AS (
    SELECT coalesce((SELECT sum(balance) FROM acct_balance), 0) AS start_balance
),
o AS (
    SELECT f.*, sb.start_balance,
        row_number() OVER w AS k,
        sb.start_balance + sum(f.net_pnl) OVER w AS curve
    FROM f, sb
    WINDOW w AS (PARTITION BY grp ORDER BY close_ts, trade_id ROWS UNBOUNDED PRECEDING)
),
o2 AS (
    SELECT *,
        greatest(start_balance, max(curve) OVER w) AS peak,
        CASE WHEN max(curve) OVER w > start_balance THEN arg_max(close_ts, curve) OVER w END AS peak_ts
    FROM o
    WINDOW w AS (PARTITION BY grp ORDER BY k ROWS UNBOUNDED PRECEDING)
),
dd AS (
    SELECT grp,
        max(peak - curve) AS max_drawdown,
        arg_max(CASE WHEN peak > 0 AND start_balance > 0 THEN 100 * (peak - curve) / peak END, (peak - curve, -k))
            AS max_drawdown_pct,
        arg_max(peak_ts, (peak - curve, -k)) AS drawdown_peak_ts,
        arg_max(close_ts, (peak - curve, -k)) AS drawdown_trough_ts,
        arg_max(peak - curve, k) AS current_drawdown,
        any_value(start_balance) AS start_balance
    FROM o2 GROUP BY grp
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
JOIN dd d ON d.grp IS NOT DISTINCT FROM a.grp
JOIN streaks s ON s.grp IS NOT DISTINCT FROM a.grp
ORDER BY a.sort_key NULLS LAST, a.grp NULLS LAST;

-- equity_drawdown: peak = running max of equity by (ts, seq); the trough is the row of the
-- largest drop (earliest on ties), its peak time the first time that peak level was reached
-- (what a running arg_max(ts, equity) returns: the earliest row at the maximum). Without
-- `since` the running peak is the equity table's own equity_peak (same window; acct and until
-- keep whole prefixes), so only plain aggregates run; with it, the peak restarts at `since`.
CREATE OR REPLACE MACRO equity_drawdown(acct := NULL, since := NULL, until := NULL) AS TABLE
WITH e AS (
    SELECT * FROM equity
    WHERE (acct IS NULL OR account = acct)
      AND (since IS NULL OR ts >= CAST(since AS TIMESTAMPTZ))
      AND (until IS NULL OR ts < CAST(until AS TIMESTAMPTZ))
),
c AS (
    SELECT account, ts, seq, equity, equity_peak AS peak FROM e WHERE since IS NULL
    UNION ALL
    SELECT account, ts, seq, equity,
        max(equity) OVER (PARTITION BY account ORDER BY ts, seq ROWS UNBOUNDED PRECEDING)
    FROM e WHERE since IS NOT NULL
),
m AS (
    SELECT account, count(*) AS snapshots, max(peak - equity) AS max_drawdown,
        max(peak - equity) FILTER (WHERE peak > 0) AS max_positive, max(ts) AS last_ts
    FROM c GROUP BY account
),
d AS (
    -- from the few rows that matter: the earliest at the largest drop (the % only where
    -- peak > 0, as arg_max skips its NULLs), the last one for the current drawdown
    SELECT c.account, any_value(m.snapshots) AS snapshots, any_value(m.max_drawdown) AS max_drawdown,
        arg_min(100 * (c.peak - c.equity) / c.peak, (c.ts, c.seq))
            FILTER (WHERE c.peak > 0 AND c.peak - c.equity = m.max_positive) AS max_drawdown_pct,
        arg_min(c.peak, (c.ts, c.seq)) FILTER (WHERE c.peak - c.equity = m.max_drawdown) AS trough_peak,
        min(c.ts) FILTER (WHERE c.peak - c.equity = m.max_drawdown) AS drawdown_trough_ts,
        arg_max(c.peak - c.equity, c.seq) FILTER (WHERE c.ts = m.last_ts) AS current_drawdown
    FROM c JOIN m ON m.account IS NOT DISTINCT FROM c.account
    WHERE c.peak - c.equity IN (m.max_drawdown, m.max_positive) OR c.ts = m.last_ts
    GROUP BY c.account
),
p AS (
    SELECT c.account, min(c.ts) AS drawdown_peak_ts
    FROM c JOIN d ON d.account IS NOT DISTINCT FROM c.account AND c.peak = d.trough_peak
    GROUP BY c.account
)
SELECT d.account, d.snapshots,
    CAST(d.max_drawdown AS DECIMAL(38, 10)) AS max_drawdown,
    d.max_drawdown_pct, p.drawdown_peak_ts, d.drawdown_trough_ts,
    CAST(d.current_drawdown AS DECIMAL(38, 10)) AS current_drawdown
FROM d LEFT JOIN p ON p.account IS NOT DISTINCT FROM d.account
ORDER BY d.account;

CREATE OR REPLACE MACRO equity_ratios(acct := NULL, periods := 365, since := NULL, until := NULL) AS TABLE
SELECT account, count(daily_return) AS days,
    avg(daily_return) AS mean_daily_return, stddev_samp(daily_return) AS stdev_daily_return,
    avg(daily_return) / nullif(stddev_samp(daily_return), 0) * sqrt(periods) AS sharpe,
    avg(daily_return) / nullif(sqrt(sum(least(daily_return, 0) ^ 2) / count(daily_return)), 0)
        * sqrt(periods) AS sortino
FROM daily_equity
WHERE (acct IS NULL OR account = acct)
  AND (since IS NULL OR day >= CAST(timezone('UTC', CAST(since AS TIMESTAMPTZ)) AS DATE))
  AND (until IS NULL OR day < CAST(timezone('UTC', CAST(until AS TIMESTAMPTZ)) AS DATE))
GROUP BY account ORDER BY account;

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

COMMENT ON VIEW stats_overall IS 'Journal statistics over all closed trades (journal-stats.md section 2; tol 0, UTC).';
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
COMMENT ON MACRO TABLE equity_drawdown IS 'equity_drawdown(acct, since, until): max drawdown of the account.snapshot equity curve per account.';
COMMENT ON MACRO TABLE equity_ratios IS 'equity_ratios(acct, periods := 365, since, until): Sharpe and Sortino of daily equity returns per account (UTC days from since''s to before until''s).';
