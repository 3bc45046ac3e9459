-- Every saved version of a task's minutes. Version 1 is what processing
-- produced (no author); each edit adds the next. The newest revision IS the
-- minutes: reads render it, and `tasks` keeps no copy that could disagree.
CREATE TABLE minutes_revisions (
    task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    version int NOT NULL CONSTRAINT minutes_revisions_version_check CHECK (version >= 1),
    -- The minutes JSON: title, summary, decisions, action_items, transcript, language.
    content jsonb NOT NULL,
    author_user_id uuid NULL REFERENCES users (id) ON DELETE SET NULL,
    -- The device the save came from. Its description is copied at save time:
    -- the history still shows it after the series is purged.
    series_id uuid NULL REFERENCES session_series (id) ON DELETE SET NULL,
    device_user_agent text NULL,
    device_ip inet NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT minutes_revisions_pkey PRIMARY KEY (task_id, version)
);

-- Purging a series nulls its revisions' series_id through this.
CREATE INDEX minutes_revisions_series_id_idx ON minutes_revisions (series_id)
    WHERE series_id IS NOT NULL;

-- Tasks completed before revisions existed: their minutes become version 1,
-- with the meeting's language as `Language::detect` decides it (kana
-- present, and CJK characters at least a third as many as Latin letters).
INSERT INTO minutes_revisions (task_id, version, content, created_at)
SELECT t.id, 1,
       t.result_json || jsonb_build_object('language',
           CASE WHEN said.text ~ '[ぁ-ゟ゠-ヿㇰ-ㇿｦ-ﾟ]'
                 AND 3 * length(regexp_replace(said.text, '[^ぁ-ヿㇰ-ㇿｦ-ﾟ㐀-䶿一-鿿豈-﫿々〆〇]', '', 'g'))
                     >= length(regexp_replace(said.text, '[^A-Za-z]', '', 'g'))
                THEN 'ja' ELSE 'en' END),
       t.updated_at
FROM tasks t
CROSS JOIN LATERAL (
    SELECT coalesce(string_agg(s ->> 'text', ' '), '') AS text
    FROM jsonb_array_elements(coalesce(t.result_json -> 'transcript', '[]'::jsonb)) s
) said
WHERE t.status = 'completed' AND t.result_json IS NOT NULL;

ALTER TABLE tasks DROP COLUMN result_markdown, DROP COLUMN result_json;
