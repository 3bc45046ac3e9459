-- Accounts, their roles, and the failed-login counters that throttle guessing.
-- Usernames and emails compare case-insensitively (citext), so `Alice` and
-- `alice` cannot both exist. Constraint names are part of the API: handlers
-- turn `users_username_key` and `users_email_key` violations into 409s.
CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE users (
    id uuid PRIMARY KEY,
    username citext NOT NULL CONSTRAINT users_username_key UNIQUE,
    email citext NULL CONSTRAINT users_email_key UNIQUE,
    -- An argon2id PHC string; it names its own parameters, so a login can
    -- tell when they are weaker than configured and re-hash.
    password_hash text NOT NULL,
    disabled_at timestamptz NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE roles (
    name text PRIMARY KEY
);

INSERT INTO roles (name) VALUES ('admin'), ('member');

CREATE TABLE user_roles (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role text NOT NULL REFERENCES roles (name),
    PRIMARY KEY (user_id, role)
);

-- The owners named before this table existed. A deleted user takes their
-- series and tasks along.
ALTER TABLE session_series
    ADD CONSTRAINT session_series_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE tasks
    ADD CONSTRAINT tasks_user_id_fkey
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;

-- One row per failed login, per scope: 'account' keyed by the lowercase
-- username tried (existing or not), 'ip' by the client address. A row counts
-- until `expires_at` (its attempt plus `auth.throttle_window_secs` at the
-- time), so the purge can delete spent rows without knowing the window.
-- In PostgreSQL, the limits hold across every instance.
CREATE TABLE login_attempts (
    scope text NOT NULL CONSTRAINT login_attempts_scope_check CHECK (scope IN ('account', 'ip')),
    key text NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

-- The throttle counts a key's live rows, newest first.
CREATE INDEX login_attempts_scope_key_idx ON login_attempts (scope, key, expires_at);
-- The purge deletes spent rows in batches.
CREATE INDEX login_attempts_expires_at_idx ON login_attempts (expires_at);
