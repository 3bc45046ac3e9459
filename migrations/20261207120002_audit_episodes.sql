-- Events that repeat in episodes (refused logins while a throttle holds) are
-- one row per episode: `detail.episode` names it, `detail.count` counts its
-- occurrences, `detail.until` is when it ends unless another occurrence
-- extends it. A new occurrence finds its open episode here.
CREATE INDEX audit_events_episode_idx ON audit_events (kind, (detail->>'episode'), id DESC)
    WHERE detail->>'episode' IS NOT NULL;
