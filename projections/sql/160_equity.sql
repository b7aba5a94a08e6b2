-- equity: one row per account.snapshot with the running equity peak and drawdown;
-- daily_equity: one row per account and UTC day (last snapshot of the day closes it).
-- inputs:  events[account.snapshot]
-- outputs: equity, daily_equity
CREATE OR REPLACE TABLE equity AS
SELECT seq, ts, account, balance, equity, margin, free_margin, margin_level, currency,
    CAST(equity - balance AS DECIMAL(38, 10)) AS floating_pnl,
    max(equity) OVER w AS equity_peak,
    CAST(max(equity) OVER w - equity AS DECIMAL(38, 10)) AS drawdown,
    round(100 * (max(equity) OVER w - equity) / nullif(max(equity) OVER w, 0), 10)::DOUBLE AS drawdown_pct
FROM events
WHERE type = 'account.snapshot'
WINDOW w AS (PARTITION BY account ORDER BY ts, seq ROWS UNBOUNDED PRECEDING);

CREATE OR REPLACE TABLE daily_equity AS
WITH d AS (
    SELECT account, CAST(timezone('UTC', ts) AS DATE) AS day,
        arg_min(equity, (ts, seq)) AS open_equity, arg_max(equity, (ts, seq)) AS close_equity,
        arg_max(balance, (ts, seq)) AS close_balance, min(equity) AS min_equity,
        max(equity) AS max_equity, count(*) AS snapshots
    FROM equity GROUP BY ALL
)
SELECT *,
    round(close_equity / nullif(lag(close_equity) OVER (PARTITION BY account ORDER BY day), 0) - 1, 12)::DOUBLE
        AS daily_return
FROM d;

COMMENT ON TABLE equity IS 'The equity curve: one row per account.snapshot, with running peak and drawdown.';
COMMENT ON TABLE daily_equity IS 'End-of-day equity per account and UTC day, and the daily return vs the previous day.';
COMMENT ON COLUMN daily_equity.daily_return IS 'close_equity / previous close_equity - 1 (NULL on the first day)';
