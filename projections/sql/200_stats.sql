-- Journal statistics per closed position (docs/statistics.md), overall and by dimension.
-- inputs:  trades, deals, equity, events[account.balance_changed]
-- mode:    views
-- outputs: _balance_before (macro), trade_facts (macro), trade_stats (macro),
--          perf_accounts (macro), perf_curve (macro), perf_drawdown (macro), perf_ratios (macro),
--          stats_overall, stats_by_symbol, stats_by_side, stats_by_strategy, stats_by_regime,
--          stats_by_weekday, stats_by_hour, stats_by_session, stats_by_month, stats_by_model,
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
-- (or `since`, see _balance_before). Cash flows are not performance: money drawdown = max drop
-- of the cumulative P&L from its running peak (the start counts as a peak of 0); % = max drop of
-- the time-weighted index, the product of (base + pnl) / base over the trades, base = the
-- balance before the trade (start balance, earlier results and every cash flow since the
-- cutoff); NULL once a base is <= 0. Peak time: when the P&L first reached the level of the
-- largest drop (NULL when that is the start); trough: its earliest point; current drawdown.
-- The overall statistics take their drawdown from perf_drawdown (each account's own curve).
-- Streaks by close time: a breakeven breaks a run; current_streak > 0 wins, < 0 losses, 0 BE.
-- weekday/hour: of the open time in the display zone `tz`; month: of the close time in `tz`;
-- session by UTC open hour: asia [0,7), london [7,13), new_york [13,21), late [21,24).
-- _balance_before(cutoff): each account's balance just before `cutoff`: the `balance` reported by
-- its last balance operation before it, plus the amounts of later balance operations without
-- one and the results of the deals after it, in (ts, deal_ticket, seq) order; with no reported
-- balance, the running sum of every balance operation's amount and deal result.
CREATE OR REPLACE MACRO _balance_before(cutoff) AS TABLE
WITH flow AS (
    SELECT e.account, e.ts, e.deal_ticket, e.seq, e.amount AS delta, e.balance AS anchor
    FROM events e
    WHERE e.type = 'account.balance_changed' AND e.ts < cutoff
    UNION ALL
    SELECT d.account, d.ts, d.deal_ticket, d.seq, d.net, NULL
    FROM deals d
    WHERE d.ts < cutoff
),
flow_seg AS (
    -- segment k starts at the k-th balance operation that reports the balance after it
    SELECT *, count(anchor) OVER (PARTITION BY account ORDER BY ts, deal_ticket NULLS FIRST, seq
                                  ROWS UNBOUNDED PRECEDING) AS segment
    FROM flow
)
SELECT account, arg_max(seg_balance, segment) AS balance
FROM (SELECT account, segment,
             coalesce(max(anchor), 0) + coalesce(sum(delta) FILTER (WHERE anchor IS NULL), 0)
                 AS seg_balance
      FROM flow_seg GROUP BY account, segment)
GROUP BY account;

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

-- The journal's performance curve (overall statistics): each selected account contributes its own
-- curve -- its account.snapshot equity when it has 2 snapshots or more in the selection, else its
-- realised balance (the balance before the cutoff, then its closed trades' results and its cash
-- flows) -- summed on one timeline, each account's last value carried forward. Cash flows
-- (account.balance_changed, and an account's opening value where its curve starts) are not
-- performance: pnl = value - all cash flows so far; the return of a point is
-- r = (value - its cash flow) / previous value - 1, the index the product of 1 + r.
-- An equity curve's cash flow at a snapshot = the balance operations after the previous
-- snapshot up to it, by (ts, seq); with `since`, the last snapshot before it opens the curve.
CREATE OR REPLACE MACRO perf_accounts(since := NULL, until := NULL, acct := NULL) AS TABLE
WITH sel AS (
    SELECT acct AS account WHERE acct IS NOT NULL
    UNION
    SELECT DISTINCT account FROM trades
    WHERE acct IS NULL AND status = 'closed'
      AND (since IS NULL OR close_ts >= CAST(since AS TIMESTAMPTZ))
      AND (until IS NULL OR close_ts < CAST(until AS TIMESTAMPTZ))
),
n AS (
    SELECT account, count(*) AS snapshots FROM equity
    WHERE (since IS NULL OR ts >= CAST(since AS TIMESTAMPTZ))
      AND (until IS NULL OR ts < CAST(until AS TIMESTAMPTZ))
    GROUP BY account
)
SELECT s.account, CASE WHEN coalesce(n.snapshots, 0) >= 2 THEN 'equity' ELSE 'realised' END AS curve,
    coalesce(n.snapshots, 0) AS snapshots
FROM sel s LEFT JOIN n ON n.account IS NOT DISTINCT FROM s.account
ORDER BY s.account;

CREATE OR REPLACE MACRO perf_curve(since := NULL, until := NULL, acct := NULL) AS TABLE
WITH k AS (SELECT * FROM perf_accounts(since := since, until := until, acct := acct)),
sel_trades AS (
    SELECT t.* FROM trades t JOIN k ON k.account IS NOT DISTINCT FROM t.account
    WHERE t.status = 'closed'
      AND (since IS NULL OR t.close_ts >= CAST(since AS TIMESTAMPTZ))
      AND (until IS NULL OR t.close_ts < CAST(until AS TIMESTAMPTZ))
),
cut AS (
    SELECT coalesce(CAST(since AS TIMESTAMPTZ), min(open_ts)) AS cutoff FROM sel_trades
),
flows AS (
    SELECT e.account, e.ts, e.seq, e.amount FROM events e JOIN k ON k.account IS NOT DISTINCT FROM e.account
    WHERE e.type = 'account.balance_changed' AND (until IS NULL OR e.ts < CAST(until AS TIMESTAMPTZ))
),
realised AS (
    -- opening value at the cutoff, then cash flows (first on a tie) and trade results
    SELECT k.account, cut.cutoff AS ts, 0 AS cls, 0 AS seq, NULL AS trade_id,
        coalesce(b.balance, 0) AS dv, coalesce(b.balance, 0) AS cf
    FROM k CROSS JOIN cut
    LEFT JOIN _balance_before((SELECT cutoff FROM cut)) b ON b.account IS NOT DISTINCT FROM k.account
    WHERE k.curve = 'realised' AND cut.cutoff IS NOT NULL
    UNION ALL
    SELECT fl.account, fl.ts, 1, fl.seq, NULL, fl.amount, fl.amount
    FROM flows fl JOIN k ON k.account IS NOT DISTINCT FROM fl.account, cut
    WHERE k.curve = 'realised' AND fl.ts >= cut.cutoff
    UNION ALL
    SELECT t.account, t.close_ts, 2, t.last_seq, t.trade_id, t.net_pnl, 0
    FROM sel_trades t JOIN k ON k.account IS NOT DISTINCT FROM t.account
    WHERE k.curve = 'realised'
),
snaps AS (
    SELECT e.account, e.ts, e.seq, e.equity
    FROM equity e JOIN k ON k.account IS NOT DISTINCT FROM e.account AND k.curve = 'equity'
    WHERE (since IS NULL OR e.ts >= CAST(since AS TIMESTAMPTZ))
      AND (until IS NULL OR e.ts < CAST(until AS TIMESTAMPTZ))
    UNION ALL
    SELECT e.account, max(e.ts), arg_max(e.seq, (e.ts, e.seq)), arg_max(e.equity, (e.ts, e.seq))
    FROM equity e JOIN k ON k.account IS NOT DISTINCT FROM e.account AND k.curve = 'equity'
    WHERE since IS NOT NULL AND e.ts < CAST(since AS TIMESTAMPTZ)
    GROUP BY e.account
),
snaps2 AS (
    SELECT *, lag(ts) OVER w AS prev_ts, lag(seq) OVER w AS prev_seq,
        equity - coalesce(lag(equity) OVER w, 0) AS dv
    FROM snaps WINDOW w AS (PARTITION BY account ORDER BY ts, seq)
),
snap_cf AS (
    SELECT s.account, s.ts, s.seq, any_value(s.dv) AS dv,
        CASE WHEN any_value(s.prev_ts) IS NULL THEN any_value(s.equity)
             ELSE coalesce(sum(fl.amount), 0) END AS cf
    FROM snaps2 s
    LEFT JOIN flows fl ON fl.account IS NOT DISTINCT FROM s.account AND s.prev_ts IS NOT NULL
        AND (fl.ts, fl.seq) > (s.prev_ts, s.prev_seq) AND (fl.ts, fl.seq) <= (s.ts, s.seq)
    GROUP BY s.account, s.ts, s.seq
),
pts AS (
    SELECT account, ts, cls, seq, trade_id, dv, cf FROM realised
    UNION ALL
    SELECT account, ts, 2, seq, NULL, dv, cf FROM snap_cf
),
tot AS (
    SELECT *, row_number() OVER (ORDER BY ts, cls, seq, trade_id, account) AS n FROM pts
),
tot2 AS (
    SELECT *, sum(dv) OVER w AS value, sum(cf) OVER w AS cash_flows
    FROM tot WINDOW w AS (ORDER BY n ROWS UNBOUNDED PRECEDING)
),
tot3 AS (
    SELECT *, lag(value) OVER (ORDER BY n) AS prev_value FROM tot2
),
tot4 AS (
    SELECT *, prev_value IS NULL OR value - cf = prev_value OR (prev_value > 0 AND value - cf > 0) AS valid
    FROM tot3
)
SELECT n, ts, account, CAST(value AS DECIMAL(38, 10)) AS value, CAST(cf AS DECIMAL(38, 10)) AS cash_flow,
    CAST(cash_flows AS DECIMAL(38, 10)) AS cash_flows, CAST(value - cash_flows AS DECIMAL(38, 10)) AS pnl,
    CASE WHEN valid AND prev_value IS NOT NULL AND prev_value <> 0
         THEN CAST(value - cf AS DOUBLE) / CAST(prev_value AS DOUBLE) - 1 END AS r,
    CASE WHEN bool_and(valid) OVER w
         THEN exp(sum(CASE WHEN prev_value IS NOT NULL AND value - cf <> prev_value
                           THEN ln(CAST(value - cf AS DOUBLE) / CAST(prev_value AS DOUBLE)) ELSE 0 END) OVER w)
    END AS idx
FROM tot4
WINDOW w AS (ORDER BY n ROWS UNBOUNDED PRECEDING)
ORDER BY n;

-- perf_drawdown: max peak-to-trough of pnl (money; the start counts as a peak of 0) and of the
-- index (%), the earliest trough of the largest money drop and when its peak level was first
-- reached (NULL when the peak is the start), the current drawdown.
CREATE OR REPLACE MACRO perf_drawdown(since := NULL, until := NULL, acct := NULL) AS TABLE
WITH c AS (
    SELECT *, greatest(0, max(pnl) OVER w) AS peak,
        100 * (1 - idx / greatest(1, max(idx) OVER w)) AS dd_pct
    FROM perf_curve(since := since, until := until, acct := acct)
    WINDOW w AS (ORDER BY n ROWS UNBOUNDED PRECEDING)
),
m AS (
    SELECT max(peak - pnl) AS max_drawdown,
        CASE WHEN bool_and(idx IS NOT NULL) THEN max(dd_pct) END AS max_drawdown_pct,
        arg_max(peak - pnl, n) AS current_drawdown, count(*) AS points
    FROM c
),
t AS (
    SELECT min(c.ts) AS drawdown_trough_ts, arg_min(c.peak, c.n) AS trough_peak
    FROM c, m WHERE m.max_drawdown > 0 AND c.peak - c.pnl = m.max_drawdown
)
SELECT m.points, CAST(m.max_drawdown AS DECIMAL(38, 10)) AS max_drawdown, m.max_drawdown_pct,
    (SELECT min(c.ts) FROM c WHERE t.trough_peak > 0 AND c.pnl = t.trough_peak) AS drawdown_peak_ts,
    t.drawdown_trough_ts, CAST(m.current_drawdown AS DECIMAL(38, 10)) AS current_drawdown
FROM m, t
WHERE m.points > 0;

-- perf_ratios: Sharpe and Sortino of the curve's end-of-day returns (days in time zone tz):
-- r = (close value - the day's cash flows) / previous day's close value - 1;
-- mean / stdev (ddof 1) x sqrt(periods); Sortino's downside deviation sqrt(sum(min(r, 0)^2) / n).
CREATE OR REPLACE MACRO perf_ratios(since := NULL, until := NULL, acct := NULL, tz := 'UTC', periods := 365) AS TABLE
WITH d AS (
    SELECT CAST(timezone(tz, ts) AS DATE) AS day, arg_max(value, n) AS value,
        arg_max(cash_flows, n) AS cash_flows
    FROM perf_curve(since := since, until := until, acct := acct)
    GROUP BY ALL
),
r AS (
    SELECT day, CAST(value - (cash_flows - lag(cash_flows) OVER w) AS DOUBLE)
                / CAST(nullif(lag(value) OVER w, 0) AS DOUBLE) - 1 AS daily_return
    FROM d WINDOW w AS (ORDER BY day)
)
SELECT count(daily_return) AS days,
    avg(daily_return) AS mean_daily_return, stddev_samp(daily_return) AS stdev_daily_return,
    avg(daily_return) / nullif(stddev_samp(daily_return), 0) * sqrt(periods) AS sharpe,
    avg(daily_return) / nullif(sqrt(sum(least(daily_return, 0) ^ 2) / count(daily_return)), 0)
        * sqrt(periods) AS sortino
FROM r;

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
COMMENT ON MACRO TABLE _balance_before IS '_balance_before(cutoff): each account''s balance just before cutoff.';
COMMENT ON MACRO TABLE perf_accounts IS 'perf_accounts(since, until, acct): the selected accounts and the curve each uses (equity: 2 snapshots or more, else realised).';
COMMENT ON MACRO TABLE perf_curve IS 'perf_curve(since, until, acct): the combined performance curve: value, cash flows, pnl (cash flows excluded), return and time-weighted index per point.';
COMMENT ON MACRO TABLE perf_drawdown IS 'perf_drawdown(since, until, acct): max drawdown of perf_curve in money (pnl) and % (index), peak/trough times, current drawdown.';
COMMENT ON MACRO TABLE perf_ratios IS 'perf_ratios(since, until, acct, tz, periods := 365): Sharpe and Sortino of perf_curve''s cash-flow-adjusted end-of-day returns.';
