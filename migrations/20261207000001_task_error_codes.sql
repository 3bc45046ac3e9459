-- A failed task's error as its viewers see it and as an admin does. `error`
-- is a sentence for everyone who may see the task and `error_code` names
-- it (the web app shows it in the page's language); `error_detail` is what
-- went wrong in full, which may name backend addresses and settings, for
-- the server log and admins only.
ALTER TABLE tasks
    ADD COLUMN error_code text NULL,
    ADD COLUMN error_detail text NULL;

-- Errors written before codes existed may name a backend's address: they
-- become details, and their viewers get a sentence that names nothing.
UPDATE tasks
SET error_code = 'processing_failed',
    error_detail = error,
    error = 'processing failed; the administrator can see why'
WHERE error IS NOT NULL;
