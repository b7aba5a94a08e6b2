-- The performance curve of the journal statistics (docs/statistics.md section 2): the balance
-- before a cutoff, each account's own curve summed on one timeline, its drawdown and its
-- Sharpe/Sortino, cash flows never counted as performance.
-- inputs:  trades, deals, equity, events[account.balance_changed]
-- mode:    views
-- outputs: _balance_before (macro), perf_accounts (macro), perf_curve (macro),
--          perf_drawdown (macro), perf_ratios (macro)
--
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
marks AS (
    -- the snapshots and the cash flows of equity-curve accounts in one (ts, seq) order: the
    -- running sum of the flows at each snapshot, so a snapshot's cash flow (the flows after the
    -- previous snapshot up to it) is a difference of two sums, not a range join
    SELECT fl.account, fl.ts, fl.seq, fl.amount, FALSE AS is_snap
    FROM flows fl JOIN k ON k.account IS NOT DISTINCT FROM fl.account AND k.curve = 'equity'
    UNION ALL
    SELECT account, ts, seq, 0, TRUE FROM snaps2
),
marks2 AS (
    SELECT *, sum(amount) OVER (PARTITION BY account ORDER BY ts, seq ROWS UNBOUNDED PRECEDING)
        AS flows_so_far
    FROM marks
),
snap_cf AS (
    SELECT s.account, s.ts, s.seq, s.dv,
        CASE WHEN s.prev_ts IS NULL THEN s.equity
             ELSE m.flows_so_far - lag(m.flows_so_far) OVER (PARTITION BY s.account ORDER BY s.ts, s.seq)
        END AS cf
    FROM snaps2 s
    JOIN marks2 m ON m.is_snap AND m.account IS NOT DISTINCT FROM s.account
        AND m.ts = s.ts AND m.seq = s.seq
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

COMMENT ON MACRO TABLE _balance_before IS '_balance_before(cutoff): each account''s balance just before cutoff.';
COMMENT ON MACRO TABLE perf_accounts IS 'perf_accounts(since, until, acct): the selected accounts and the curve each uses (equity: 2 snapshots or more, else realised).';
COMMENT ON MACRO TABLE perf_curve IS 'perf_curve(since, until, acct): the combined performance curve: value, cash flows, pnl (cash flows excluded), return and time-weighted index per point.';
COMMENT ON MACRO TABLE perf_drawdown IS 'perf_drawdown(since, until, acct): max drawdown of perf_curve in money (pnl) and % (index), peak/trough times, current drawdown.';
COMMENT ON MACRO TABLE perf_ratios IS 'perf_ratios(since, until, acct, tz, periods := 365): Sharpe and Sortino of perf_curve''s cash-flow-adjusted end-of-day returns.';
