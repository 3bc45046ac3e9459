-- Single sign-on through OpenID Connect providers (issue 23).

-- Accounts created by a provider's sign-in have no password of their own:
-- password login and password-based re-authentication are refused for them
-- with a clear error, and their `password_hash` is never verified.
ALTER TABLE users ADD COLUMN has_password boolean NOT NULL DEFAULT true;

-- Who a provider says a person is (`sub`, stable per provider) and the
-- account it signs in to. One identity per account and provider.
CREATE TABLE user_identities (
    provider text NOT NULL,
    subject text NOT NULL,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email text NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, subject),
    CONSTRAINT user_identities_user_provider_key UNIQUE (user_id, provider)
);

-- Authorization requests on their way through a provider, kept server
-- side: only the SHA-256 of the `state` sent out, the browser series that
-- began it (the callback must come back in the same series), the PKCE
-- verifier and the nonce. Single use (deleted when the callback reads it),
-- and void after ten minutes. `link_user_id`: the request links the
-- identity to this signed-in account instead of signing in.
CREATE TABLE oidc_pending (
    state_hash bytea PRIMARY KEY,
    provider text NOT NULL,
    series_id uuid NOT NULL REFERENCES session_series (id) ON DELETE CASCADE,
    pkce_verifier text NOT NULL,
    nonce text NOT NULL,
    link_user_id uuid NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL
);
CREATE INDEX oidc_pending_expires_at ON oidc_pending (expires_at);
