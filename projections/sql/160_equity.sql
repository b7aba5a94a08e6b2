-- equity: one row per account.snapshot with the running equity peak and drawdown;
-- daily_equity: one row per account and UTC day (last snapshot of the day closes it).
-- inputs:  events[account.snapshot]
-- outputs: equity, daily_equity, _equity_cut (macro), _equity_rows (macro),
--          _daily_equity_rows (macro)
-- mode:    incremental
-- One definition serves both builds: _equity_rows(after) gives the rows of every account that
-- has snapshots after seq `after`, from the earliest (ts, seq) of those new snapshots (its cut)
-- on, the running peak seeded with the largest equity before the cut (max is exact, so this is
-- the full window's value); _daily_equity_rows(after) the days from the cut's day on, with the
-- day before for daily_return. after = 0 is the whole table. A catch-up deletes the rows from
-- the cut on and inserts them again (the section after "-- incremental:").
CREATE OR REPLACE MACRO _equity_cut(after) AS TABLE
SELECT account, min((ts, seq)) AS cut, CAST(timezone('UTC', min(ts)) AS DATE) AS cut_day
FROM events
WHERE type = 'account.snapshot' AND seq > after
GROUP BY account;

CREATE OR REPLACE MACRO _equity_rows(after) AS TABLE
WITH snaps AS (
    SELECT s.seq, s.ts, s.account, s.balance, s.equity, s.margin, s.free_margin, s.margin_level,
        s.currency, (s.ts, s.seq) >= k.cut AS redo
    FROM events s JOIN _equity_cut(after) k ON k.account IS NOT DISTINCT FROM s.account
    WHERE s.type = 'account.snapshot'
),
prior AS (
    SELECT account, max(equity) AS peak FROM snaps WHERE NOT redo GROUP BY account
),
p AS (
    SELECT s.*, greatest(max(s.equity) OVER w, b.peak) AS peak
    FROM snaps s LEFT JOIN prior b ON b.account IS NOT DISTINCT FROM s.account
    WHERE s.redo
    WINDOW w AS (PARTITION BY s.account ORDER BY s.ts, s.seq ROWS UNBOUNDED PRECEDING)
)
SELECT seq, ts, account, balance, equity, margin, free_margin, margin_level, currency,
    CAST(equity - balance AS DECIMAL(38, 10)) AS floating_pnl,
    peak AS equity_peak,
    CAST(peak - equity AS DECIMAL(38, 10)) AS drawdown,
    round(100 * (peak - equity) / nullif(peak, 0), 10)::DOUBLE AS drawdown_pct
FROM p;

CREATE OR REPLACE TABLE equity AS SELECT * FROM _equity_rows(0);

CREATE OR REPLACE MACRO _daily_equity_rows(after) AS TABLE
WITH k AS (
    -- from the cut's day, and the last day before it (for daily_return)
    SELECT k.account, k.cut_day,
        (SELECT max(CAST(timezone('UTC', e.ts) AS DATE)) FROM equity e
         WHERE e.account IS NOT DISTINCT FROM k.account
           AND CAST(timezone('UTC', e.ts) AS DATE) < k.cut_day) AS prev_day
    FROM _equity_cut(after) k
),
d AS (
    SELECT e.account, CAST(timezone('UTC', e.ts) AS DATE) AS day,
        arg_min(e.equity, (e.ts, e.seq)) AS open_equity, arg_max(e.equity, (e.ts, e.seq)) AS close_equity,
        arg_max(e.balance, (e.ts, e.seq)) AS close_balance, min(e.equity) AS min_equity,
        max(e.equity) AS max_equity, count(*) AS snapshots
    FROM equity e JOIN k ON k.account IS NOT DISTINCT FROM e.account
    WHERE CAST(timezone('UTC', e.ts) AS DATE) >= coalesce(k.prev_day, k.cut_day)
    GROUP BY ALL
)
SELECT d.*,
    round(close_equity / nullif(lag(close_equity) OVER (PARTITION BY d.account ORDER BY d.day), 0) - 1, 12)::DOUBLE
        AS daily_return
FROM d JOIN k ON k.account IS NOT DISTINCT FROM d.account
QUALIFY d.day >= k.cut_day;

CREATE OR REPLACE TABLE daily_equity AS SELECT * FROM _daily_equity_rows(0);

COMMENT ON TABLE equity IS 'The equity curve: one row per account.snapshot, with running peak and drawdown.';
COMMENT ON TABLE daily_equity IS 'End-of-day equity per account and UTC day, and the daily return vs the previous day.';
COMMENT ON COLUMN daily_equity.daily_return IS 'close_equity / previous close_equity - 1 (NULL on the first day); raw, deposits included: the statistics use perf_ratios (cash-flow adjusted)';

-- incremental:
DELETE FROM equity WHERE EXISTS (
    SELECT 1 FROM _equity_cut(getvariable('projection_after')) k
    WHERE k.account IS NOT DISTINCT FROM equity.account AND (equity.ts, equity.seq) >= k.cut);
INSERT INTO equity SELECT * FROM _equity_rows(getvariable('projection_after'));
DELETE FROM daily_equity WHERE EXISTS (
    SELECT 1 FROM _equity_cut(getvariable('projection_after')) k
    WHERE k.account IS NOT DISTINCT FROM daily_equity.account AND daily_equity.day >= k.cut_day);
INSERT INTO daily_equity SELECT * FROM _daily_equity_rows(getvariable('projection_after'));
