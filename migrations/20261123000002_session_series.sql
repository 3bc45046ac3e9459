-- A browser's lineage of (session ID, refresh token) pairs. Only SHA-256
-- hashes of refresh tokens are kept; the newest token is also kept encrypted
-- (under session.secret) while the reuse grace window lasts.
CREATE TABLE session_series (
    id uuid PRIMARY KEY,
    user_id uuid NULL,
    current_token_hash bytea NULL,
    previous_token_hash bytea NULL,
    pending_token_sealed bytea NULL,
    rotated_at timestamptz NULL,
    rotation_count bigint NOT NULL DEFAULT 0,
    current_session_id text NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    idle_expires_at timestamptz NOT NULL,
    absolute_expires_at timestamptz NOT NULL,
    revoked_at timestamptz NULL,
    revoke_reason text NULL,
    user_agent text NULL,
    ip inet NULL,
    CONSTRAINT session_series_revoked_has_reason CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL))
);

CREATE INDEX session_series_user_id_idx ON session_series (user_id) WHERE revoked_at IS NULL;
CREATE INDEX session_series_idle_expires_at_idx ON session_series (idle_expires_at);
CREATE INDEX session_series_revoked_at_idx ON session_series (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX session_series_pending_idx ON session_series (rotated_at) WHERE pending_token_sealed IS NOT NULL;

-- Security events: who did what to whom, from where.
CREATE TABLE audit_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL,
    actor_user_id uuid NULL,
    actor_series_id uuid NULL,
    subject text NULL,
    ip inet NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    detail jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_events_created_at_idx ON audit_events (created_at DESC, id DESC);
