-- events: the typed event log, loaded incrementally by seq (run by loader.py, not the runner).
-- inputs:  segment files ($files), the generated read_json column types ($columns), the last
--          loaded seq ($after)
-- outputs: events (created from the catalogue by schema.events_ddl())
-- Decimals arrive as VARCHAR and are cast exactly on insert (see schema.py). metric.timing v1
-- wrote duration_s (seconds): upcast here to duration_ms and v 2, exactly as events/upcast.py
-- does (tests/events/test_upcast_paths.py loads every upcaster case through both paths).
INSERT INTO events BY NAME
SELECT * EXCLUDE (duration_s)
         REPLACE (coalesce(duration_ms, duration_s * 1000.0) AS duration_ms,
                  CASE WHEN type = 'metric.timing' AND v = 1 THEN 2 ELSE v END AS v)
FROM read_json($files, format = 'newline_delimited', columns = $columns)
WHERE seq > $after
