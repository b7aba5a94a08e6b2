-- alerts, metrics: one row per alert.raised / metric.timing; bot_runs: bot.started/stopped.
-- inputs:  events[alert.raised, metric.timing, bot.started, bot.stopped]
-- outputs: alerts, metrics, bot_runs, alerts_since (macro), metrics_since (macro),
--          bot_runs_since (macro)
-- mode:    append
-- metric.timing v1 lines (duration_s) were upcast to duration_ms when loaded (000_events.sql).
CREATE OR REPLACE MACRO alerts_since(after) AS TABLE
SELECT seq, ts, account, producer, level, kind, message, position_id, symbol
FROM events
WHERE type = 'alert.raised' AND seq > after;

CREATE OR REPLACE MACRO metrics_since(after) AS TABLE
SELECT seq, ts, producer, name, duration_ms, v AS schema_version
FROM events
WHERE type = 'metric.timing' AND seq > after;

CREATE OR REPLACE MACRO bot_runs_since(after) AS TABLE
SELECT seq, ts, producer, replace(type, 'bot.', '') AS event, version, pid, reason
FROM events
WHERE type IN ('bot.started', 'bot.stopped') AND seq > after;

CREATE TABLE IF NOT EXISTS alerts AS SELECT * FROM alerts_since(0) LIMIT 0;
INSERT INTO alerts SELECT * FROM alerts_since((SELECT coalesce(max(seq), 0) FROM alerts));
CREATE TABLE IF NOT EXISTS metrics AS SELECT * FROM metrics_since(0) LIMIT 0;
INSERT INTO metrics SELECT * FROM metrics_since((SELECT coalesce(max(seq), 0) FROM metrics));
CREATE TABLE IF NOT EXISTS bot_runs AS SELECT * FROM bot_runs_since(0) LIMIT 0;
INSERT INTO bot_runs SELECT * FROM bot_runs_since((SELECT coalesce(max(seq), 0) FROM bot_runs));

COMMENT ON TABLE alerts IS 'One row per alert (unprotected_position, aged_position, emergency_close, api_errors, ...).';
COMMENT ON TABLE metrics IS 'One row per timing measurement, in milliseconds (v1 seconds upcast x1000).';
COMMENT ON TABLE bot_runs IS 'Producer process starts and stops.';
COMMENT ON MACRO TABLE alerts_since IS 'alerts_since(after): alerts rows for seq > after.';
COMMENT ON MACRO TABLE metrics_since IS 'metrics_since(after): metrics rows for seq > after.';
COMMENT ON MACRO TABLE bot_runs_since IS 'bot_runs_since(after): bot_runs rows for seq > after.';
