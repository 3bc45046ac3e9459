-- Share links: a link to one meeting for people without an account. Only
-- the SHA-256 of the link's 256-bit secret is kept, with its first
-- characters as a prefix to tell links apart. A link is checked here on
-- every use (expiry, revocation, the owner's account), so revoking it stops
-- it on every instance at once; deleting the task deletes its links.
CREATE TABLE share_links (
    id uuid PRIMARY KEY,
    task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    created_by uuid NULL REFERENCES users (id) ON DELETE SET NULL,
    prefix text NOT NULL,
    secret_hash bytea NOT NULL CONSTRAINT share_links_secret_hash_key UNIQUE,
    -- argon2id PHC string; NULL: no passphrase.
    passphrase_hash text NULL,
    include_transcript boolean NOT NULL,
    include_recording boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz NULL
);

CREATE INDEX share_links_task_id_idx ON share_links (task_id, created_at DESC);

-- Each opening of a link, for its owner to see.
CREATE TABLE share_link_views (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    link_id uuid NOT NULL REFERENCES share_links (id) ON DELETE CASCADE,
    viewed_at timestamptz NOT NULL DEFAULT now(),
    user_agent text NULL,
    ip inet NULL
);

CREATE INDEX share_link_views_link_id_idx ON share_link_views (link_id, viewed_at DESC);

-- Whether users the task is shared with to edit may create links to it too.
ALTER TABLE tasks ADD COLUMN editors_may_link boolean NOT NULL DEFAULT false;

-- Wrong passphrases of a link are counted per link ('passphrase'), in the
-- same table and under the same locks as failed logins.
ALTER TABLE login_attempts
    DROP CONSTRAINT login_attempts_scope_check,
    ADD CONSTRAINT login_attempts_scope_check
        CHECK (scope IN ('account', 'ip', 'device', 'register', 'device_account', 'login', 'passphrase'));
