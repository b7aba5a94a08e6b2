-- messages: one row per conversation.message; conversations: one row per conversation.
-- inputs:  events[conversation.started, conversation.message, conversation.ended,
--          recommendation.issued]
-- outputs: messages, conversations, _conversation_keys (macro), _messages_rows (macro),
--          _conversations_rows (macro)
-- mode:    incremental
-- Both are per conversation: _messages_rows(after) / _conversations_rows(after) give the rows of
-- the conversations with events after seq `after` (_conversation_keys; after = 0: all); a
-- catch-up deletes and re-inserts those conversations' rows.
CREATE OR REPLACE MACRO _conversation_keys(after) AS TABLE
SELECT DISTINCT conversation_id FROM events
WHERE seq > after AND type IN ('conversation.started', 'conversation.message',
                               'conversation.ended', 'recommendation.issued');

CREATE OR REPLACE MACRO _messages_rows(after) AS TABLE
SELECT seq, ts, account, conversation_id,
    row_number() OVER (PARTITION BY conversation_id ORDER BY ts, seq) AS message_no,
    role, content, model, prompt_tokens, completion_tokens,
    coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0) AS total_tokens,
    cost_usd, latency_ms, response_id, user_id, chat_id, message_id
FROM events e
WHERE type = 'conversation.message'
  AND (after = 0 OR EXISTS (SELECT 1 FROM _conversation_keys(after) k
                            WHERE k.conversation_id IS NOT DISTINCT FROM e.conversation_id));

CREATE OR REPLACE TABLE messages AS SELECT * FROM _messages_rows(0);

CREATE OR REPLACE MACRO _conversations_rows(after) AS TABLE
WITH ev AS (
    SELECT * FROM events e
    WHERE type IN ('conversation.started', 'conversation.ended', 'recommendation.issued')
      AND (after = 0 OR EXISTS (SELECT 1 FROM _conversation_keys(after) k
                                WHERE k.conversation_id IS NOT DISTINCT FROM e.conversation_id))
),
started AS (
    SELECT conversation_id, min(ts) AS started_ts, arg_min(user_id, seq) AS user_id,
        arg_min(chat_id, seq) AS chat_id, arg_min(title, seq) AS title, arg_min(account, seq) AS account
    FROM ev WHERE type = 'conversation.started' GROUP BY conversation_id
),
ended AS (
    SELECT conversation_id, max(ts) AS ended_ts, arg_max(reason, seq) AS end_reason
    FROM ev WHERE type = 'conversation.ended' GROUP BY conversation_id
),
msgs AS (
    SELECT conversation_id, count(*) AS messages,
        count(*) FILTER (WHERE role = 'user') AS user_messages,
        count(*) FILTER (WHERE role = 'assistant') AS assistant_messages,
        min(ts) AS first_message_ts, max(ts) AS last_message_ts,
        sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,
        CAST(sum(cost_usd) AS DECIMAL(38, 10)) AS cost_usd,
        round(avg(latency_ms) FILTER (WHERE role = 'assistant'), 6) AS avg_latency_ms,
        list_sort(list(DISTINCT model) FILTER (WHERE model IS NOT NULL)) AS models,
        arg_min(user_id, seq) FILTER (WHERE user_id IS NOT NULL) AS user_id,
        arg_min(chat_id, seq) FILTER (WHERE chat_id IS NOT NULL) AS chat_id
    FROM messages m
    WHERE after = 0 OR EXISTS (SELECT 1 FROM _conversation_keys(after) k
                               WHERE k.conversation_id IS NOT DISTINCT FROM m.conversation_id)
    GROUP BY conversation_id
),
recs AS (
    SELECT conversation_id, count(*) AS recommendations
    FROM ev WHERE type = 'recommendation.issued' AND conversation_id IS NOT NULL
    GROUP BY conversation_id
),
ids AS (
    SELECT conversation_id FROM started UNION SELECT conversation_id FROM msgs
    UNION SELECT conversation_id FROM ended
)
SELECT ids.conversation_id, s.account,
    coalesce(s.started_ts, m.first_message_ts) AS started_ts, e.ended_ts, e.end_reason,
    coalesce(s.user_id, m.user_id) AS user_id, coalesce(s.chat_id, m.chat_id) AS chat_id, s.title,
    coalesce(m.messages, 0) AS messages, coalesce(m.user_messages, 0) AS user_messages,
    coalesce(m.assistant_messages, 0) AS assistant_messages,
    m.first_message_ts, m.last_message_ts,
    (epoch_us(coalesce(e.ended_ts, m.last_message_ts)) - epoch_us(coalesce(s.started_ts, m.first_message_ts))) / 1e6
        AS duration_s,
    m.prompt_tokens, m.completion_tokens, m.cost_usd, m.avg_latency_ms, m.models,
    coalesce(r.recommendations, 0) AS recommendations
FROM ids
LEFT JOIN started s USING (conversation_id)
LEFT JOIN ended e USING (conversation_id)
LEFT JOIN msgs m USING (conversation_id)
LEFT JOIN recs r USING (conversation_id);

CREATE OR REPLACE TABLE conversations AS SELECT * FROM _conversations_rows(0);

COMMENT ON TABLE messages IS 'One row per conversation message (user, assistant, system) with model, tokens, cost, latency.';
COMMENT ON TABLE conversations IS 'One row per conversation: who, when, how many messages, tokens, cost, models, recommendations issued.';

-- incremental:
CREATE OR REPLACE TEMP TABLE _conversation_todo AS
SELECT * FROM _conversation_keys(getvariable('projection_after'));
DELETE FROM messages WHERE EXISTS (SELECT 1 FROM _conversation_todo k
                                   WHERE k.conversation_id IS NOT DISTINCT FROM messages.conversation_id);
INSERT INTO messages SELECT * FROM _messages_rows(getvariable('projection_after'));
DELETE FROM conversations WHERE EXISTS (SELECT 1 FROM _conversation_todo k
                                        WHERE k.conversation_id IS NOT DISTINCT FROM conversations.conversation_id);
INSERT INTO conversations SELECT * FROM _conversations_rows(getvariable('projection_after'));
DROP TABLE _conversation_todo;
