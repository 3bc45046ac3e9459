-- Sign-in beyond a password (issue 23, first half).
--
-- `signed_in_at`: when the person behind a browser series last proved who
-- they are (a login, a second factor, the password given again). Sensitive
-- actions need it within `auth.fresh_secs`. Rotation keeps it; it never
-- slides. Existing user series count from their creation, as before.
ALTER TABLE session_series ADD COLUMN signed_in_at timestamptz NULL;
UPDATE session_series SET signed_in_at = created_at WHERE user_id IS NOT NULL;

-- One TOTP (RFC 6238) secret per account, sealed under a key derived from
-- `session.secret`. Unconfirmed while being set up; `last_step` is the
-- newest time step accepted, so no code is accepted twice.
CREATE TABLE totp_secrets (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed bytea NOT NULL,
    confirmed_at timestamptz NULL,
    last_step bigint NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Recovery codes: only their SHA-256 (each carries 80 random bits), each
-- usable once.
CREATE TABLE totp_recovery_codes (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at timestamptz NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- Half-finished sign-ins: the password was right, the second factor is
-- pending. Not a session: no series, no cookie pair, only the SHA-256 of a
-- random challenge held in a short-lived cookie of the browser that began it.
CREATE TABLE sign_in_challenges (
    token_hash bytea PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The credentials in force when the password was checked: a password
    -- change or a disable meanwhile ends the challenge.
    credential_epoch bigint NOT NULL,
    -- Admitted on the account's device cookie (the login throttle's view).
    trusted_device boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sign_in_challenges_expires_at_idx ON sign_in_challenges (expires_at);

-- Browsers whose owner ticked "trust this browser" after a second factor:
-- keyed by the device id of the browser's device cookie (which moves to the
-- new id at each sign-in), for 30 days that never slide.
CREATE TABLE trusted_browsers (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device_id text NOT NULL,
    user_agent text NULL,
    ip inet NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    CONSTRAINT trusted_browsers_device_key UNIQUE (user_id, device_id)
);

-- Sign-ins from a browser without a device cookie for the account, shown
-- to the account's owner until dismissed.
CREATE TABLE sign_in_notices (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    series_id uuid NOT NULL,
    user_agent text NULL,
    ip inet NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    dismissed_at timestamptz NULL
);
CREATE INDEX sign_in_notices_user_idx ON sign_in_notices (user_id, created_at DESC)
    WHERE dismissed_at IS NULL;

ALTER TABLE login_attempts
    DROP CONSTRAINT login_attempts_scope_check,
    ADD CONSTRAINT login_attempts_scope_check
        CHECK (scope IN ('account', 'ip', 'device', 'register', 'device_account', 'login',
                         'passphrase', 'second_factor'));
