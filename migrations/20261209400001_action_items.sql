-- "My action items": the speaker names a user claims as theirs, so an
-- action item whose owner is one of them is the user's (as one whose owner
-- is their username is), and the secret of each user's calendar feed of
-- their due items. Only the SHA-256 of the feed's secret is kept: a new one
-- replaces the row, so the old address stops at once.
CREATE TABLE user_speaker_names (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL
        CONSTRAINT user_speaker_names_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Owners are matched without regard to case, so a name is claimed once.
CREATE UNIQUE INDEX user_speaker_names_key ON user_speaker_names (user_id, lower(name));

CREATE TABLE calendar_feeds (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_hash bytea NOT NULL CONSTRAINT calendar_feeds_secret_hash_key UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
