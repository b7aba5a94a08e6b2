-- llm_calls: one row per llm.called.
-- inputs:  events[llm.called]
-- outputs: llm_calls, llm_calls_since (macro)
-- mode:    append
CREATE OR REPLACE MACRO llm_calls_since(after) AS TABLE
SELECT seq, ts, account, model, purpose, status, error, prompt_tokens, completion_tokens,
    cached_tokens, coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0) AS total_tokens,
    cost_usd, latency_ms, response_id, prompt_variant, conversation_id
FROM events
WHERE type = 'llm.called' AND seq > after;

CREATE TABLE IF NOT EXISTS llm_calls AS SELECT * FROM llm_calls_since(0) LIMIT 0;
INSERT INTO llm_calls SELECT * FROM llm_calls_since((SELECT coalesce(max(seq), 0) FROM llm_calls));

COMMENT ON TABLE llm_calls IS 'One row per language-model request: model, purpose, tokens, cost, latency, ok/error.';
COMMENT ON MACRO TABLE llm_calls_since IS 'llm_calls_since(after): llm_calls rows for seq > after.';
