-- stop_moves: one row per position.stop_moved, numbered per position.
-- inputs:  events[position.stop_moved]
-- outputs: stop_moves, _stop_move_keys (macro), _stop_moves_rows (macro)
-- mode:    incremental
-- sl_changed: the move changed the stop loss (a TP-only change leaves new_sl null or equal).
-- One definition serves both builds: _stop_moves_rows(after) gives the rows of the positions
-- (account, position_id) with moves after seq `after` (_stop_move_keys; after = 0: all); a
-- catch-up deletes and re-inserts those positions' rows (a late move renumbers its position).
CREATE OR REPLACE MACRO _stop_move_keys(after) AS TABLE
SELECT DISTINCT account, position_id FROM events
WHERE type = 'position.stop_moved' AND seq > after;

CREATE OR REPLACE MACRO _stop_moves_rows(after) AS TABLE
SELECT
    seq, ts, account, position_id, symbol, old_sl, new_sl, old_tp, new_tp, price, method,
    r_at_move,
    row_number() OVER (PARTITION BY account, position_id ORDER BY ts, seq) AS move_no,
    (new_sl IS NOT NULL AND new_sl IS DISTINCT FROM old_sl) AS sl_changed
FROM events e
WHERE type = 'position.stop_moved'
  AND (after = 0 OR EXISTS (SELECT 1 FROM _stop_move_keys(after) k
                            WHERE k.account IS NOT DISTINCT FROM e.account
                              AND k.position_id IS NOT DISTINCT FROM e.position_id));

CREATE OR REPLACE TABLE stop_moves AS SELECT * FROM _stop_moves_rows(0) ORDER BY ALL;

COMMENT ON TABLE stop_moves IS 'One row per position.stop_moved: SL/TP changes of open positions, in order.';
COMMENT ON COLUMN stop_moves.move_no IS '1 for the first move of the position, by (ts, seq)';
COMMENT ON COLUMN stop_moves.sl_changed IS 'true when new_sl is set and differs from old_sl';

-- incremental:
DELETE FROM stop_moves WHERE EXISTS (
    SELECT 1 FROM _stop_move_keys(getvariable('projection_after')) k
    WHERE k.account IS NOT DISTINCT FROM stop_moves.account
      AND k.position_id IS NOT DISTINCT FROM stop_moves.position_id);
INSERT INTO stop_moves SELECT * FROM _stop_moves_rows(getvariable('projection_after'));
