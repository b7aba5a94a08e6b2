-- MetaTrader 5's report summary (docs/statistics.md section 3), from deal.filled and
-- account.balance_changed: mt5_summary (all accounts pooled, one row), mt5_summary_for(account)
-- (one row, or none when the account has no deal), mt5_summary_by_account (one row per account).
-- inputs:  deals, equity, events[account.balance_changed]
-- mode:    views
-- outputs: mt5_summary_grouped (macro), mt5_summary_for (macro), mt5_summary,
--          mt5_summary_by_account, mt5_balance_check
--
-- A trade is a closing deal (entry out, inout, out_by); its result = profit + commission + swap +
-- fee of that deal. Total net profit = that sum over every buy/sell deal. Gross profit = sum of
-- positive results; gross loss = sum of negative results + everything booked on entry deals.
-- Profit trades: result >= 0. Short trades are closed by a buy deal. Runs in (ts, deal_ticket)
-- order, zero results count as wins; ties: longest run -> larger |sum| -> earliest; richest
-- run -> longer -> earliest. Average loss trade: gross loss / loss trades (the terminal's history
-- report), but the mean of the losing results when every deal of the group was imported from a
-- Strategy Tester report (producer import:mt5-tester), as the tester prints it.
-- Balance = running sum of balance operations and deal results in (ts, deal_ticket, seq) order,
-- from the first balance operation (the deposit), which counts with the balance it reports (the
-- balance after it: the account may already have held money; MT5's own reports have balance =
-- amount there), else its amount; pooled, each account's curve starts at its own first balance
-- operation. mt5_balance_check compares this running balance with the balance each deal
-- reports (deal.filled balance, when present). Absolute = max(deposit - lowest balance, 0);
-- maximal = largest drop from a running peak (+ its % of that peak); relative = largest % drop
-- (+ its money); ties -> earliest. NULL without a balance operation. Average consecutive
-- wins / losses: mean run length rounded half up (0 without a run). Equity drawdown: the same
-- three figures over the equity of account.snapshot events from the first balance operation on
-- (absolute from the deposit, else from the first snapshot); NULL without snapshots, and pooled unless one account holds every deal and
-- every snapshot. No loss -> profit factor
-- NULL (MT5 prints no finite value). Percentages and ratios are DECIMAL(38,10), unrounded.
CREATE OR REPLACE MACRO mt5_summary_grouped(pooled := false) AS TABLE
WITH td AS (
    SELECT CASE WHEN pooled THEN '*' ELSE account END AS k, account, ts, deal_ticket, seq, side,
        entry, net, producer
    FROM deals
),
bal AS (
    SELECT CASE WHEN pooled THEN '*' ELSE account END AS k, account, ts, deal_ticket, seq, amount,
        balance
    FROM events WHERE type = 'account.balance_changed'
),
closing AS (
    SELECT k, side, net AS result, row_number() OVER (PARTITION BY k ORDER BY ts, deal_ticket, seq) AS n
    FROM td WHERE entry IN ('out', 'inout', 'out_by')
),
tot AS (
    SELECT k, sum(net) AS total_net_profit,
        coalesce(sum(net) FILTER (WHERE entry NOT IN ('out', 'inout', 'out_by')), 0) AS entry_costs,
        bool_and(producer = 'import:mt5-tester') AS tester
    FROM td GROUP BY k
),
res AS (
    SELECT k, count(*) AS total_trades,
        coalesce(sum(result) FILTER (WHERE result > 0), 0) AS gross_profit,
        coalesce(sum(result) FILTER (WHERE result < 0), 0) AS loss_results,
        count(*) FILTER (WHERE result >= 0) AS profit_trades,
        count(*) FILTER (WHERE result < 0) AS loss_trades,
        count(*) FILTER (WHERE side = 'buy') AS short_trades,
        count(*) FILTER (WHERE side = 'buy' AND result >= 0) AS short_won,
        count(*) FILTER (WHERE side = 'sell') AS long_trades,
        count(*) FILTER (WHERE side = 'sell' AND result >= 0) AS long_won,
        coalesce(max(result) FILTER (WHERE result >= 0), 0) AS largest_profit_trade,
        coalesce(min(result) FILTER (WHERE result < 0), 0) AS largest_loss_trade
    FROM closing GROUP BY k
),
runs AS (
    SELECT k, win, count(*) AS len, sum(result) AS total, min(n) AS first_n
    FROM (SELECT *, result >= 0 AS win,
                 n - row_number() OVER (PARTITION BY k, result >= 0 ORDER BY n) AS island
          FROM closing)
    GROUP BY k, win, island
),
run_stats AS (
    SELECT k,
        arg_max(len, (len, total, -first_n)) FILTER (WHERE win) AS max_consecutive_wins,
        arg_max(total, (len, total, -first_n)) FILTER (WHERE win) AS max_consecutive_wins_money,
        arg_max(total, (total, len, -first_n)) FILTER (WHERE win) AS maximal_consecutive_profit,
        arg_max(len, (total, len, -first_n)) FILTER (WHERE win) AS maximal_consecutive_profit_count,
        arg_max(len, (len, -total, -first_n)) FILTER (WHERE NOT win) AS max_consecutive_losses,
        arg_max(total, (len, -total, -first_n)) FILTER (WHERE NOT win) AS max_consecutive_losses_money,
        arg_max(total, (-total, len, -first_n)) FILTER (WHERE NOT win) AS maximal_consecutive_loss,
        arg_max(len, (-total, len, -first_n)) FILTER (WHERE NOT win) AS maximal_consecutive_loss_count,
        -- mean run length rounded half up, in integers: floor((2 sum + n) / 2n)
        (2 * sum(len) FILTER (WHERE win) + count(*) FILTER (WHERE win))
            // nullif(2 * count(*) FILTER (WHERE win), 0) AS average_consecutive_wins,
        (2 * sum(len) FILTER (WHERE NOT win) + count(*) FILTER (WHERE NOT win))
            // nullif(2 * count(*) FILTER (WHERE NOT win), 0) AS average_consecutive_losses
    FROM runs GROUP BY k
),
flow AS (
    SELECT k, account, ts, deal_ticket, seq, amount AS delta, balance AS reported, true AS is_balance
    FROM bal
    UNION ALL
    SELECT k, account, ts, deal_ticket, seq, net, NULL, false FROM td
),
flow_n AS (
    SELECT *, row_number() OVER (PARTITION BY k ORDER BY ts, deal_ticket NULLS FIRST, seq) AS n
    FROM flow
),
first_op AS (
    -- per account: its first balance operation starts its curve at the balance it reports
    -- (the balance after it: the account may have held money before), else at its amount
    SELECT k, account, arg_min(n, n) AS n0, arg_min(coalesce(reported, delta), n) AS opening,
        arg_min(ts, n) AS ts0
    FROM flow_n WHERE is_balance GROUP BY k, account
),
deposit AS (
    SELECT k, min(n0) AS n0, arg_min(opening, n0) AS deposit, min(ts0) AS ts0
    FROM first_op GROUP BY k
),
curve AS (
    SELECT f.k, f.n, d.deposit,
        sum(CASE WHEN o.n0 = f.n THEN o.opening ELSE f.delta END)
            OVER (PARTITION BY f.k ORDER BY f.n ROWS UNBOUNDED PRECEDING) AS balance
    FROM flow_n f
    JOIN deposit d ON d.k IS NOT DISTINCT FROM f.k AND f.n >= d.n0
    LEFT JOIN first_op o ON o.k IS NOT DISTINCT FROM f.k AND o.account IS NOT DISTINCT FROM f.account
    WHERE o.n0 IS NULL OR f.n >= o.n0
),
curve2 AS (
    SELECT *, max(balance) OVER (PARTITION BY k ORDER BY n ROWS UNBOUNDED PRECEDING) AS peak FROM curve
),
dd AS (
    SELECT k,
        any_value(deposit) AS deposit,
        greatest(any_value(deposit) - min(balance), 0) AS balance_drawdown_absolute,
        max(peak - balance) AS balance_drawdown_maximal,
        arg_max(CASE WHEN peak > 0 THEN 100 * CAST(peak - balance AS DOUBLE) / CAST(peak AS DOUBLE) ELSE 0 END,
                (peak - balance, -n)) AS balance_drawdown_maximal_pct,
        max(CASE WHEN peak > 0 THEN 100 * CAST(peak - balance AS DOUBLE) / CAST(peak AS DOUBLE) ELSE 0 END)
            AS balance_drawdown_relative_pct,
        arg_max(peak - balance,
                (CASE WHEN peak > 0 THEN CAST(peak - balance AS DOUBLE) / CAST(peak AS DOUBLE) ELSE 0 END, -n))
            AS balance_drawdown_relative
    FROM curve2 GROUP BY k
),
-- equity drawdown from account.snapshot only (never from deals), MT5's rules on the equity the
-- snapshots report; pooled only when the deals and the snapshots are of one same account
-- from the deposit on, as the balance curve
snaps0 AS (
    SELECT CASE WHEN pooled THEN '*' ELSE e.account END AS k, e.account, e.ts, e.seq, e.equity
    FROM equity e
),
snaps1 AS (
    SELECT s.*, max(s.equity) OVER (PARTITION BY s.k ORDER BY s.ts, s.seq ROWS UNBOUNDED PRECEDING) AS peak
    FROM snaps0 s LEFT JOIN deposit d ON d.k IS NOT DISTINCT FROM s.k
    WHERE d.ts0 IS NULL OR s.ts >= d.ts0
),
snaps AS (
    SELECT *, peak - equity AS drawdown,
        CASE WHEN peak > 0 THEN 100 * CAST(peak - equity AS DOUBLE) / CAST(peak AS DOUBLE) ELSE 0 END AS pct
    FROM snaps1
),
eq AS (
    SELECT k, count(DISTINCT account) AS accounts, any_value(account) AS account,
        arg_min(equity, (ts, seq)) AS first_equity, min(equity) AS min_equity,
        max(drawdown) AS equity_drawdown_maximal,
        arg_max(pct, (drawdown, -epoch_us(ts), -seq)) AS equity_drawdown_maximal_pct,
        max(pct) AS equity_drawdown_relative_pct,
        arg_max(drawdown, (pct, -epoch_us(ts), -seq)) AS equity_drawdown_relative
    FROM snaps GROUP BY k
),
deal_accounts AS (
    SELECT k, count(DISTINCT account) AS accounts, any_value(account) AS account FROM td GROUP BY k
),
eqdd AS (
    SELECT e.*
    FROM eq e JOIN deal_accounts a ON a.k IS NOT DISTINCT FROM e.k
    WHERE e.accounts = 1 AND a.accounts = 1 AND e.account IS NOT DISTINCT FROM a.account
)
SELECT
    t.k AS account,
    CAST(t.total_net_profit AS DECIMAL(38, 10)) AS total_net_profit,
    CAST(coalesce(r.gross_profit, 0) AS DECIMAL(38, 10)) AS gross_profit,
    CAST(coalesce(r.loss_results, 0) + t.entry_costs AS DECIMAL(38, 10)) AS gross_loss,
    CAST(CASE WHEN coalesce(r.loss_results, 0) + t.entry_costs < 0
              THEN r.gross_profit / -(r.loss_results + t.entry_costs) END AS DECIMAL(38, 10)) AS profit_factor,
    CAST(coalesce(t.total_net_profit / nullif(r.total_trades, 0), 0) AS DECIMAL(38, 10)) AS expected_payoff,
    coalesce(r.total_trades, 0) AS total_trades,
    coalesce(r.profit_trades, 0) AS profit_trades,
    CAST(coalesce(100 * r.profit_trades / nullif(r.total_trades, 0), 0) AS DECIMAL(38, 10)) AS profit_trades_pct,
    coalesce(r.loss_trades, 0) AS loss_trades,
    CAST(coalesce(100 * r.loss_trades / nullif(r.total_trades, 0), 0) AS DECIMAL(38, 10)) AS loss_trades_pct,
    coalesce(r.short_trades, 0) AS short_trades,
    CAST(coalesce(100 * r.short_won / nullif(r.short_trades, 0), 0) AS DECIMAL(38, 10)) AS short_won_pct,
    coalesce(r.long_trades, 0) AS long_trades,
    CAST(coalesce(100 * r.long_won / nullif(r.long_trades, 0), 0) AS DECIMAL(38, 10)) AS long_won_pct,
    CAST(coalesce(r.largest_profit_trade, 0) AS DECIMAL(38, 10)) AS largest_profit_trade,
    CAST(coalesce(r.largest_loss_trade, 0) AS DECIMAL(38, 10)) AS largest_loss_trade,
    CAST(coalesce(r.gross_profit / nullif(r.profit_trades, 0), 0) AS DECIMAL(38, 10)) AS average_profit_trade,
    CAST(coalesce(CASE WHEN t.tester THEN r.loss_results ELSE r.loss_results + t.entry_costs END
                  / nullif(r.loss_trades, 0), 0) AS DECIMAL(38, 10)) AS average_loss_trade,
    coalesce(s.max_consecutive_wins, 0) AS max_consecutive_wins,
    CAST(coalesce(s.max_consecutive_wins_money, 0) AS DECIMAL(38, 10)) AS max_consecutive_wins_money,
    coalesce(s.max_consecutive_losses, 0) AS max_consecutive_losses,
    CAST(coalesce(s.max_consecutive_losses_money, 0) AS DECIMAL(38, 10)) AS max_consecutive_losses_money,
    CAST(coalesce(s.maximal_consecutive_profit, 0) AS DECIMAL(38, 10)) AS maximal_consecutive_profit,
    coalesce(s.maximal_consecutive_profit_count, 0) AS maximal_consecutive_profit_count,
    CAST(coalesce(s.maximal_consecutive_loss, 0) AS DECIMAL(38, 10)) AS maximal_consecutive_loss,
    coalesce(s.maximal_consecutive_loss_count, 0) AS maximal_consecutive_loss_count,
    coalesce(s.average_consecutive_wins, 0) AS average_consecutive_wins,
    coalesce(s.average_consecutive_losses, 0) AS average_consecutive_losses,
    CAST(d.balance_drawdown_absolute AS DECIMAL(38, 10)) AS balance_drawdown_absolute,
    CAST(d.balance_drawdown_maximal AS DECIMAL(38, 10)) AS balance_drawdown_maximal,
    CAST(d.balance_drawdown_maximal_pct AS DECIMAL(38, 10)) AS balance_drawdown_maximal_pct,
    CAST(d.balance_drawdown_relative_pct AS DECIMAL(38, 10)) AS balance_drawdown_relative_pct,
    CAST(d.balance_drawdown_relative AS DECIMAL(38, 10)) AS balance_drawdown_relative,
    CAST(greatest(coalesce(d.deposit, e.first_equity) - e.min_equity, 0) AS DECIMAL(38, 10))
        AS equity_drawdown_absolute,
    CAST(e.equity_drawdown_maximal AS DECIMAL(38, 10)) AS equity_drawdown_maximal,
    CAST(e.equity_drawdown_maximal_pct AS DECIMAL(38, 10)) AS equity_drawdown_maximal_pct,
    CAST(e.equity_drawdown_relative_pct AS DECIMAL(38, 10)) AS equity_drawdown_relative_pct,
    CAST(e.equity_drawdown_relative AS DECIMAL(38, 10)) AS equity_drawdown_relative
FROM tot t
LEFT JOIN res r ON r.k IS NOT DISTINCT FROM t.k
LEFT JOIN run_stats s ON s.k IS NOT DISTINCT FROM t.k
LEFT JOIN dd d ON d.k IS NOT DISTINCT FROM t.k
LEFT JOIN eqdd e ON e.k IS NOT DISTINCT FROM t.k;

CREATE OR REPLACE MACRO mt5_summary_for(acct) AS TABLE
SELECT * EXCLUDE (account) FROM mt5_summary_grouped(pooled := false) WHERE account = acct;

CREATE OR REPLACE VIEW mt5_summary AS
SELECT * EXCLUDE (account) FROM mt5_summary_grouped(pooled := true);

CREATE OR REPLACE VIEW mt5_summary_by_account AS
SELECT * FROM mt5_summary_grouped(pooled := false) ORDER BY account;

CREATE OR REPLACE VIEW mt5_balance_check AS
WITH flow AS (
    SELECT account, ts, deal_ticket, seq, 'balance' AS kind, amount AS delta, balance AS reported,
        true AS is_balance
    FROM events WHERE type = 'account.balance_changed'
    UNION ALL
    SELECT account, ts, deal_ticket, seq, 'deal', net, balance, false FROM deals
),
flow_n AS (
    SELECT *, row_number() OVER (PARTITION BY account ORDER BY ts, deal_ticket NULLS FIRST, seq) AS n
    FROM flow
),
first_op AS (
    SELECT account, min(n) AS n0, arg_min(coalesce(reported, delta), n) AS opening
    FROM flow_n WHERE is_balance GROUP BY account
),
curve AS (
    SELECT f.*,
        sum(CASE WHEN f.n = o.n0 THEN o.opening ELSE f.delta END)
            OVER (PARTITION BY f.account ORDER BY f.n ROWS UNBOUNDED PRECEDING) AS computed
    FROM flow_n f JOIN first_op o ON o.account IS NOT DISTINCT FROM f.account AND f.n >= o.n0
)
SELECT account, seq, ts, deal_ticket, kind,
    CAST(computed AS DECIMAL(38, 10)) AS computed_balance,
    CAST(reported AS DECIMAL(38, 10)) AS reported_balance,
    CAST(reported - computed AS DECIMAL(38, 10)) AS difference,
    reported = computed AS matches
FROM curve
WHERE reported IS NOT NULL
ORDER BY account, n;

COMMENT ON VIEW mt5_summary IS 'MetaTrader 5 report summary over all accounts pooled (use mt5_summary_for(account) or mt5_summary_by_account per account).';
COMMENT ON VIEW mt5_summary_by_account IS 'MetaTrader 5 report summary, one row per account.';
COMMENT ON MACRO TABLE mt5_summary_grouped IS 'mt5_summary_grouped(pooled): the MT5 summary per account (or all pooled, account = *).';
COMMENT ON MACRO TABLE mt5_summary_for IS 'mt5_summary_for(account): the MetaTrader 5 report summary of one account (one row).';
COMMENT ON VIEW mt5_balance_check IS 'Cross-check of the MT5 balance curve: the running balance (from each account''s first balance operation) vs the balance each deal and balance operation reports, where it does.';
