-- experiments: one row per experiment; experiment_assignments: the latest variant per user.
-- inputs:  events[experiment.started, experiment.assigned]
-- outputs: experiments, experiment_assignments, _experiment_keys (macro),
--          _experiment_assignments_rows (macro), _experiments_rows (macro)
-- mode:    incremental
-- Both are per experiment: _experiment_assignments_rows(after) / _experiments_rows(after) give
-- the rows of the experiments with events after seq `after` (_experiment_keys; after = 0: all);
-- a catch-up deletes and re-inserts those experiments' rows.
CREATE OR REPLACE MACRO _experiment_keys(after) AS TABLE
SELECT DISTINCT experiment_id FROM events
WHERE seq > after AND type IN ('experiment.started', 'experiment.assigned');

CREATE OR REPLACE MACRO _experiment_assignments_rows(after) AS TABLE
SELECT experiment_id, user_id, arg_max(variant, seq) AS variant, max(ts) AS assigned_ts,
    count(*) AS assignments
FROM events
WHERE type = 'experiment.assigned'
  AND (after = 0 OR experiment_id IN (SELECT experiment_id FROM _experiment_keys(after)))
GROUP BY experiment_id, user_id;

CREATE OR REPLACE TABLE experiment_assignments AS SELECT * FROM _experiment_assignments_rows(0) ORDER BY ALL;

CREATE OR REPLACE MACRO _experiments_rows(after) AS TABLE
WITH s AS (
    SELECT experiment_id, min(ts) AS started_ts, arg_min(variants, seq) AS variants,
        arg_min(description, seq) AS description
    FROM events
    WHERE type = 'experiment.started'
      AND (after = 0 OR experiment_id IN (SELECT experiment_id FROM _experiment_keys(after)))
    GROUP BY experiment_id
),
a AS (
    SELECT experiment_id, CAST(sum(n) AS BIGINT) AS users,
        map_from_entries(list_sort(list({'k': variant, 'v': n}))) AS users_by_variant
    FROM (SELECT experiment_id, variant, count(*) AS n FROM experiment_assignments
          WHERE after = 0 OR experiment_id IN (SELECT experiment_id FROM _experiment_keys(after))
          GROUP BY ALL)
    GROUP BY experiment_id
)
SELECT s.experiment_id, s.started_ts, s.variants, s.description,
    coalesce(a.users, 0) AS users, a.users_by_variant
FROM s
LEFT JOIN a USING (experiment_id);

CREATE OR REPLACE TABLE experiments AS SELECT * FROM _experiments_rows(0) ORDER BY ALL;

COMMENT ON TABLE experiments IS 'One row per A/B experiment: variants and how many users each got.';
COMMENT ON TABLE experiment_assignments IS 'The latest variant of each user in each experiment.';

-- incremental:
DELETE FROM experiment_assignments
WHERE experiment_id IN (SELECT experiment_id FROM _experiment_keys(getvariable('projection_after')));
INSERT INTO experiment_assignments
SELECT * FROM _experiment_assignments_rows(getvariable('projection_after'));
DELETE FROM experiments
WHERE experiment_id IN (SELECT experiment_id FROM _experiment_keys(getvariable('projection_after')));
INSERT INTO experiments SELECT * FROM _experiments_rows(getvariable('projection_after'));
