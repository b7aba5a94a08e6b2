-- stop_moves: one row per position.stop_moved, numbered per position.
-- inputs:  events[position.stop_moved]
-- outputs: stop_moves
-- sl_changed: the move changed the stop loss (a TP-only change leaves new_sl null or equal).
CREATE OR REPLACE TABLE stop_moves AS
SELECT
    seq, ts, account, position_id, symbol, old_sl, new_sl, old_tp, new_tp, price, method,
    r_at_move,
    row_number() OVER (PARTITION BY account, position_id ORDER BY ts, seq) AS move_no,
    (new_sl IS NOT NULL AND new_sl IS DISTINCT FROM old_sl) AS sl_changed
FROM events
WHERE type = 'position.stop_moved';

COMMENT ON TABLE stop_moves IS 'One row per position.stop_moved: SL/TP changes of open positions, in order.';
COMMENT ON COLUMN stop_moves.move_no IS '1 for the first move of the position, by (ts, seq)';
COMMENT ON COLUMN stop_moves.sl_changed IS 'true when new_sl is set and differs from old_sl';
