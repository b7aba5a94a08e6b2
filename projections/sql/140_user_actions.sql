-- user_actions: one row per user.action; access_denied: one row per access.denied.
-- inputs:  events[user.action, access.denied]
-- outputs: user_actions, access_denied, user_actions_since (macro), access_denied_since (macro)
-- mode:    append
-- command: for kind = command, the first word of data, lower-cased, without a @botname suffix.
CREATE OR REPLACE MACRO user_actions_since(after) AS TABLE
SELECT seq, ts, CAST(timezone('UTC', ts) AS DATE) AS day, account, user_id, username, chat_id,
    kind, data, update_id,
    CASE WHEN kind = 'command'
         THEN lower(split_part(split_part(trim(data), ' ', 1), '@', 1)) END AS command
FROM events
WHERE type = 'user.action' AND seq > after;

CREATE OR REPLACE MACRO access_denied_since(after) AS TABLE
SELECT seq, ts, user_id, username, chat_id, what, update_id
FROM events
WHERE type = 'access.denied' AND seq > after;

CREATE TABLE IF NOT EXISTS user_actions AS SELECT * FROM user_actions_since(0) LIMIT 0;
INSERT INTO user_actions SELECT * FROM user_actions_since((SELECT coalesce(max(seq), 0) FROM user_actions));
CREATE TABLE IF NOT EXISTS access_denied AS SELECT * FROM access_denied_since(0) LIMIT 0;
INSERT INTO access_denied SELECT * FROM access_denied_since((SELECT coalesce(max(seq), 0) FROM access_denied));

COMMENT ON TABLE user_actions IS 'One row per command, button press or message of an allowed user.';
COMMENT ON COLUMN user_actions.day IS 'UTC date of the action';
COMMENT ON COLUMN user_actions.command IS 'for commands: /name without arguments or @bot suffix, lower-cased';
COMMENT ON TABLE access_denied IS 'One row per refused update from a user not on the allow-list.';
COMMENT ON MACRO TABLE user_actions_since IS 'user_actions_since(after): user_actions rows for seq > after.';
COMMENT ON MACRO TABLE access_denied_since IS 'access_denied_since(after): access_denied rows for seq > after.';
