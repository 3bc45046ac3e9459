-- Passkeys (WebAuthn), issue 23: discoverable credentials, so a browser
-- signs in without a username.
--
-- One row per registered credential. `passkey` is webauthn-rs's `Passkey`
-- as JSON: the credential id, its public key (COSE), the signature counter
-- last seen and its flags; never a private key. The counter is updated at
-- each sign-in, and a sign-in whose counter does not go up is refused (a
-- cloned authenticator).
CREATE TABLE passkeys (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id bytea NOT NULL UNIQUE,
    passkey jsonb NOT NULL,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NULL
);
CREATE INDEX passkeys_user_idx ON passkeys (user_id, created_at);

-- A WebAuthn ceremony between its begin and its finish: the challenge and
-- what the server expects (webauthn-rs's state, as JSON), kept here because
-- another instance may take the finish. The browser holds a random token
-- in a short-lived cookie, the table only its SHA-256; the finish deletes
-- the row, so each is used once, within five minutes. A registration, or
-- a signing in again, is also bound to the signed-in series that began it.
CREATE TABLE passkey_ceremonies (
    token_hash bytea PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('register', 'sign_in', 'reauth')),
    user_id uuid NULL REFERENCES users (id) ON DELETE CASCADE,
    series_id uuid NULL,
    state jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX passkey_ceremonies_expires_at_idx ON passkey_ceremonies (expires_at);
