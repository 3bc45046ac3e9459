-- Personal API tokens. Each token is a session series of kind 'api_token'
-- (no cookies, no refresh token), so revoking it, disabling its user or
-- changing the password stops it through the same revocation path and
-- NOTIFY as a browser session. Only the SHA-256 of the secret is kept;
-- the short public prefix identifies the token and finds its row.
ALTER TABLE session_series ADD COLUMN kind text NOT NULL DEFAULT 'browser'
    CONSTRAINT session_series_kind CHECK (kind IN ('browser', 'api_token'));

CREATE TABLE api_tokens (
    id uuid PRIMARY KEY,
    series_id uuid NOT NULL UNIQUE REFERENCES session_series (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL CONSTRAINT api_tokens_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
    prefix text NOT NULL CONSTRAINT api_tokens_prefix_key UNIQUE,
    secret_hash bytea NOT NULL,
    scopes text[] NOT NULL,
    task_id uuid NULL REFERENCES tasks (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NULL,
    last_used_at timestamptz NULL,
    last_used_ip inet NULL
);

CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id, created_at DESC);

-- The addresses each token was used from, so a use from a new one is audited once.
CREATE TABLE api_token_ips (
    token_id uuid NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    ip inet NOT NULL,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (token_id, ip)
);
