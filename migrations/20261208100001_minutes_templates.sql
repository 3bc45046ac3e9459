-- Templates of minutes a user (or, before logging in, an anonymous browser
-- series) made: a name, the sections with their headings, and instructions
-- for an LLM. Owned like tasks: by a user, or by a series until its login
-- adopts them; every query is scoped by that owner. The built-in templates
-- are not rows: they ship with the service.
CREATE TABLE minutes_templates (
    id uuid PRIMARY KEY,
    user_id uuid NULL REFERENCES users (id) ON DELETE CASCADE,
    series_id uuid NULL REFERENCES session_series (id) ON DELETE CASCADE,
    name text NOT NULL,
    -- [{"kind": "summary" | "decisions" | "action_items" | "transcript", "heading": text}]
    sections jsonb NOT NULL,
    instructions text NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT minutes_templates_one_owner CHECK ((user_id IS NULL) <> (series_id IS NULL))
);

CREATE INDEX minutes_templates_user_id_idx ON minutes_templates (user_id, created_at)
    WHERE user_id IS NOT NULL;
CREATE INDEX minutes_templates_series_id_idx ON minutes_templates (series_id, created_at)
    WHERE series_id IS NOT NULL;

-- The template an upload chose, as it was then (a later edit or deletion of
-- the template does not change what its processing makes).
ALTER TABLE tasks ADD COLUMN template jsonb NULL;

-- What a job needs beyond its task: a regeneration's template and who asked.
ALTER TABLE jobs ADD COLUMN payload jsonb NULL;

-- A version made by regenerating the minutes names the template it used.
ALTER TABLE minutes_revisions ADD COLUMN regenerated_with text NULL;
