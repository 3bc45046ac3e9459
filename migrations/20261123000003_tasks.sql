-- Uploaded recordings and transcripts, and the durable queue that processes
-- them. A task belongs to a browser session series or to a user (after login,
-- series tasks are adopted by the user); at least one owner is required.
CREATE TABLE tasks (
    id uuid PRIMARY KEY,
    -- Anonymous tasks die with their series (the purge removes their files).
    -- A user's tasks leave series_id NULL, or the cascade would take them too.
    series_id uuid NULL REFERENCES session_series (id) ON DELETE CASCADE,
    -- The users table comes with login; its foreign key is added then.
    user_id uuid NULL,
    filename text NOT NULL,
    content_type text NOT NULL,
    size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
    -- Where the upload store keeps the file: a fresh UUID, never a client path.
    storage_key text NOT NULL CONSTRAINT tasks_storage_key_key UNIQUE,
    status text NOT NULL DEFAULT 'queued'
        CONSTRAINT tasks_status_check CHECK (status IN ('queued', 'processing', 'completed', 'failed')),
    stage text NULL
        CONSTRAINT tasks_stage_check CHECK (stage IN ('transcribing', 'summarizing')),
    progress smallint NOT NULL DEFAULT 0
        CONSTRAINT tasks_progress_check CHECK (progress BETWEEN 0 AND 100),
    error text NULL,
    result_markdown text NULL,
    result_json jsonb NULL,
    upload_timestamp timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tasks_has_owner CHECK (series_id IS NOT NULL OR user_id IS NOT NULL)
);

-- Listing is newest first per owner, keyset-paginated on (upload_timestamp, id).
CREATE INDEX tasks_series_id_idx ON tasks (series_id, upload_timestamp DESC, id DESC);
CREATE INDEX tasks_user_id_idx ON tasks (user_id, upload_timestamp DESC, id DESC);

-- The durable job queue: workers claim due rows with FOR UPDATE SKIP LOCKED
-- and hold them under a heartbeat-renewed lease.
CREATE TABLE jobs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    kind text NOT NULL,
    run_at timestamptz NOT NULL DEFAULT now(),
    attempts int NOT NULL DEFAULT 0,
    max_attempts int NOT NULL DEFAULT 5,
    locked_by text NULL,
    lease_expires_at timestamptz NULL,
    last_error text NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX jobs_run_at_idx ON jobs (run_at) WHERE locked_by IS NULL;
-- The cascade from tasks looks jobs up by task.
CREATE INDEX jobs_task_id_idx ON jobs (task_id);
