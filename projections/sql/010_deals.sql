-- deals: one row per deal (an execution, once per account and ticket), with its net result.
-- inputs:  events[deal.filled]
-- outputs: deals, deals_since (macro), _deal_rows (macro)
-- mode:    append
-- net = profit + commission + swap + fee (account currency). Deal order within an account is
-- (ts, deal_ticket, seq): MT5 orders its reports by deal time then deal ticket.
-- One row per (account, deal_ticket), whatever the event ids: a deal journaled twice under two
-- ids (an old id convention, a hand-written line) counts once; the first by seq is kept.
-- Append mode: a row depends on its own event and on the deals already kept (the same first-by-seq
-- rule in a full rebuild and in any sequence of catch-ups), so new events just add rows.
CREATE OR REPLACE MACRO _deal_rows(after) AS TABLE
SELECT
    seq, id, ts, account, producer,
    deal_ticket, order_ticket, position_id, symbol, side, entry, volume, price,
    commission, swap, fee, profit,
    CAST(profit + commission + swap + fee AS DECIMAL(38, 10)) AS net,
    reason, magic, comment, balance, correlation_id
FROM events
WHERE type = 'deal.filled' AND seq > after;

CREATE TABLE IF NOT EXISTS deals AS SELECT * FROM _deal_rows(0) LIMIT 0;

CREATE OR REPLACE MACRO deals_since(after) AS TABLE
SELECT n.* FROM _deal_rows(after) n
WHERE NOT EXISTS (SELECT 1 FROM deals d
                  WHERE d.account IS NOT DISTINCT FROM n.account AND d.deal_ticket = n.deal_ticket)
QUALIFY row_number() OVER (PARTITION BY n.account, n.deal_ticket ORDER BY n.seq) = 1;

INSERT INTO deals SELECT * FROM deals_since((SELECT coalesce(max(seq), 0) FROM deals));

COMMENT ON TABLE deals IS 'One row per deal (account, deal_ticket): every execution (in/out/inout/out_by) with its money; a deal journaled twice counts once.';
COMMENT ON COLUMN deals.entry IS 'in opens, out/out_by closes, inout reverses (closes and opens the other way)';
COMMENT ON COLUMN deals.net IS 'profit + commission + swap + fee of this deal (account currency)';
COMMENT ON COLUMN deals.reason IS 'MT5 deal reason: client/mobile/web/expert/sl/tp/so/rollover/vmargin/split/other';
COMMENT ON COLUMN deals.balance IS 'account balance after the deal, as reported by the terminal (may be null)';
COMMENT ON MACRO TABLE deals_since IS 'deals_since(after): deals rows for events with seq > after whose (account, deal_ticket) is not in deals yet (feeds the append-only deals table).';
