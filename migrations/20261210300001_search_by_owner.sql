-- Search a person's own meetings by one index lookup. Until now the search
-- walked each of the viewer's meetings and read its passages one by one
-- (about 0.08 ms a meeting: 1000 meetings, 90–140 ms), because starting
-- from the text indexes reads every meeting's passages that say a common
-- word (100000 passages of 予算, seconds). Each passage now carries its
-- task's owner (`user_id`, a copy of `tasks.user_id`), and one GIN index
-- holds the owner, the bigrams and the English stems (`btree_gin` lets a
-- uuid be a GIN key): a search of one's own meetings intersects the
-- owner's entry with the query's, and reads only the owner's passages
-- that say it.
--
-- The copy only narrows the search. Whether the viewer may open a found
-- meeting is still decided by `task_access` over the task's own row; a
-- passage whose copy were stale could be missed, never shown to someone
-- else. It follows the task: written with the passages, rewritten when
-- the task changes hands (an anonymous series' tasks adopted at login).

CREATE EXTENSION IF NOT EXISTS btree_gin;

ALTER TABLE search_passages ADD COLUMN user_id uuid NULL;

UPDATE search_passages p SET user_id = t.user_id
FROM tasks t WHERE t.id = p.task_id AND t.user_id IS NOT NULL;

DROP INDEX search_passages_bigrams;
DROP INDEX search_passages_english;
CREATE INDEX search_passages_terms ON search_passages USING gin (user_id, bigrams, english);

-- Replaces the passages of `task` with those of `content` (a minutes JSON),
-- each with the task's owner. The task's row is read `FOR SHARE`, so an
-- adoption of the task waits until these passages are committed and then
-- rewrites their owner (its trigger below), rather than missing them.
CREATE OR REPLACE FUNCTION search_index_minutes(task uuid, content jsonb) RETURNS void
LANGUAGE sql
AS $$
    DELETE FROM search_passages WHERE task_id = task;
    INSERT INTO search_passages (task_id, user_id, part, ordinal, segment, body)
    SELECT task, owner.user_id, p.part, p.ordinal, p.segment, p.body
    FROM (SELECT user_id FROM tasks WHERE id = task FOR SHARE) owner
    CROSS JOIN (
        SELECT 'title' AS part, 0 AS ordinal, NULL::int AS segment, content->>'title' AS body
        WHERE coalesce(content->>'title', '') <> ''
        UNION ALL
        SELECT 'summary', (s.n - 1)::int, NULL::int, s.line
        FROM jsonb_array_elements_text(coalesce(content->'summary', '[]')) WITH ORDINALITY s(line, n)
        UNION ALL
        SELECT 'decision', (d.n - 1)::int, (d.item->>'segment')::int, d.item->>'text'
        FROM jsonb_array_elements(coalesce(content->'decisions', '[]')) WITH ORDINALITY d(item, n)
        UNION ALL
        SELECT 'action_item', (a.n - 1)::int, (a.item->>'segment')::int,
               concat_ws(' — ', a.item->>'text', a.item->>'owner', a.item->>'due')
        FROM jsonb_array_elements(coalesce(content->'action_items', '[]')) WITH ORDINALITY a(item, n)
        UNION ALL
        SELECT 'transcript', (s.n - 1)::int, (s.n - 1)::int,
               concat_ws(': ', s.item->>'speaker', s.item->>'text')
        FROM jsonb_array_elements(coalesce(content->'transcript', '[]')) WITH ORDINALITY s(item, n)
    ) p;
$$;

-- A task that changes hands takes its passages along.
CREATE FUNCTION tasks_owner_to_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_passages SET user_id = NEW.user_id WHERE task_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER tasks_owner_to_search AFTER UPDATE OF user_id ON tasks
    FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id)
    EXECUTE FUNCTION tasks_owner_to_search();
