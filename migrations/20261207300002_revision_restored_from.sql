-- A version saved by restoring an older one names it, so the history can
-- say "restored from version N".
ALTER TABLE minutes_revisions ADD COLUMN restored_from int NULL
    CONSTRAINT minutes_revisions_restored_from_check CHECK (restored_from >= 1);
