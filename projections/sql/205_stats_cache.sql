-- _stats_overall: trade_stats() with its defaults (every closed trade, tol 0, UTC), kept as a
-- table so that stats() without filters reads one row instead of computing the figures.
-- inputs:  trades, deals, trade_stats, trade_facts, events[account.balance_changed]
-- outputs: _stats_overall
CREATE OR REPLACE TABLE _stats_overall AS SELECT * FROM trade_stats();
