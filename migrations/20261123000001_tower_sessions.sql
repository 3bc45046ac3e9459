-- The session ID records of tower-sessions' Postgres store, exactly as the
-- store creates them, so its own `migrate()` is never needed.
CREATE SCHEMA IF NOT EXISTS "tower_sessions";

CREATE TABLE IF NOT EXISTS "tower_sessions"."session" (
    id text PRIMARY KEY NOT NULL,
    data bytea NOT NULL,
    expiry_date timestamptz NOT NULL
);

-- The purge deletes expired records in small batches by this column.
CREATE INDEX IF NOT EXISTS session_expiry_date_idx ON "tower_sessions"."session" (expiry_date);
