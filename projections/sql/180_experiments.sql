-- experiments: one row per experiment; experiment_assignments: the latest variant per user.
-- inputs:  events[experiment.started, experiment.assigned]
-- outputs: experiments, experiment_assignments
CREATE OR REPLACE TABLE experiment_assignments AS
SELECT experiment_id, user_id, arg_max(variant, seq) AS variant, max(ts) AS assigned_ts,
    count(*) AS assignments
FROM events
WHERE type = 'experiment.assigned'
GROUP BY experiment_id, user_id;

CREATE OR REPLACE TABLE experiments AS
WITH s AS (
    SELECT experiment_id, min(ts) AS started_ts, arg_min(variants, seq) AS variants,
        arg_min(description, seq) AS description
    FROM events WHERE type = 'experiment.started' GROUP BY experiment_id
),
a AS (
    SELECT experiment_id, CAST(sum(n) AS BIGINT) AS users,
        map_from_entries(list_sort(list({'k': variant, 'v': n}))) AS users_by_variant
    FROM (SELECT experiment_id, variant, count(*) AS n FROM experiment_assignments GROUP BY ALL)
    GROUP BY experiment_id
)
SELECT s.experiment_id, s.started_ts, s.variants, s.description,
    coalesce(a.users, 0) AS users, a.users_by_variant
FROM s
LEFT JOIN a USING (experiment_id);

COMMENT ON TABLE experiments IS 'One row per A/B experiment: variants and how many users each got.';
COMMENT ON TABLE experiment_assignments IS 'The latest variant of each user in each experiment.';
