-- A task is named by its minutes' title once it has minutes, and dated by
-- the day its meeting was held. Both live in the newest revision of the
-- minutes (the one source of truth); `tasks` keeps a copy that a trigger
-- writes on every new revision, in the same transaction, so the list, the
-- sockets and the admin lists name and sort a task without reading its
-- minutes, and the copy cannot disagree with them.
--
-- `meeting_date` starts as the date the file name gives (or the upload's
-- UTC date); minutes that name a date (the transcript said it, or an edit
-- set it) replace it.
ALTER TABLE tasks ADD COLUMN title text NULL, ADD COLUMN meeting_date date NULL;

UPDATE tasks t
SET title = r.content->>'title',
    meeting_date = CASE WHEN r.content->>'meeting_date' ~ '^\d{4}-\d{2}-\d{2}$'
                        THEN (r.content->>'meeting_date')::date END
FROM (SELECT DISTINCT ON (task_id) task_id, content
      FROM minutes_revisions ORDER BY task_id, version DESC) r
WHERE r.task_id = t.id;

UPDATE tasks SET meeting_date = (upload_timestamp AT TIME ZONE 'UTC')::date
WHERE meeting_date IS NULL;

ALTER TABLE tasks ALTER COLUMN meeting_date SET DEFAULT ((now() AT TIME ZONE 'UTC')::date),
                  ALTER COLUMN meeting_date SET NOT NULL;

CREATE FUNCTION minutes_revisions_name_task() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tasks
    SET title = NEW.content->>'title',
        meeting_date = coalesce((NEW.content->>'meeting_date')::date, meeting_date)
    WHERE id = NEW.task_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER minutes_revisions_name_task AFTER INSERT ON minutes_revisions
    FOR EACH ROW EXECUTE FUNCTION minutes_revisions_name_task();

-- The list sorted by meeting date, per owner, keyset-paginated.
CREATE INDEX tasks_user_id_meeting_idx ON tasks (user_id, meeting_date DESC, id DESC);
CREATE INDEX tasks_series_id_meeting_idx ON tasks (series_id, meeting_date DESC, id DESC);
