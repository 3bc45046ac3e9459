-- Search across meetings. Every passage of a task's newest minutes — its
-- title, each summary point, decision and action item (with its owner and
-- deadline), each transcript segment with its speaker — is a row here,
-- rewritten by a trigger whenever a revision is saved (and gone with the
-- task), so search answers from what the minutes say now, in the
-- transaction that changed them. Who may see a passage is not stored: the
-- search statement decides it with `task_access`, as every list does.
--
-- Japanese has no spaces, so words are no help: a passage is found by the
-- substring asked for. Each passage's distinct two-character strings are
-- indexed as an array (GIN): a query of two characters or more looks up the
-- passages holding all of its bigrams, and `ILIKE` keeps those holding the
-- query itself. Unlike trigrams (`pg_trgm`), this also serves two-character
-- words (予算, 会議). English also matches by stem (`decide` finds
-- `decided`) through `to_tsvector('english')`.

-- The distinct lower-case two-character strings of `body`.
CREATE FUNCTION search_bigrams(body text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(array_agg(DISTINCT substr(lower(body), i, 2)), '{}')
    FROM generate_series(1, length(body) - 1) i
$$;

CREATE TABLE search_passages (
    task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    part text NOT NULL CONSTRAINT search_passages_part_check
        CHECK (part IN ('title', 'summary', 'decision', 'action_item', 'transcript')),
    -- The passage's index within its part.
    ordinal int NOT NULL,
    -- The transcript segment it was said in (null for the title and summary).
    segment int NULL,
    body text NOT NULL,
    -- Stored, so a search that walks a person's own passages reads them
    -- rather than computing them for every passage it looks at.
    bigrams text[] GENERATED ALWAYS AS (search_bigrams(body)) STORED,
    english tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED,
    CONSTRAINT search_passages_pkey PRIMARY KEY (task_id, part, ordinal)
);

CREATE INDEX search_passages_bigrams ON search_passages USING gin (bigrams);
CREATE INDEX search_passages_english ON search_passages USING gin (english);

-- Replaces the passages of `task` with those of `content` (a minutes JSON).
CREATE FUNCTION search_index_minutes(task uuid, content jsonb) RETURNS void
LANGUAGE sql
AS $$
    DELETE FROM search_passages WHERE task_id = task;
    INSERT INTO search_passages (task_id, part, ordinal, segment, body)
    SELECT task, 'title', 0, NULL::int, content->>'title'
    WHERE coalesce(content->>'title', '') <> ''
    UNION ALL
    SELECT task, 'summary', (s.n - 1)::int, NULL::int, s.line
    FROM jsonb_array_elements_text(coalesce(content->'summary', '[]')) WITH ORDINALITY s(line, n)
    UNION ALL
    SELECT task, 'decision', (d.n - 1)::int, (d.item->>'segment')::int, d.item->>'text'
    FROM jsonb_array_elements(coalesce(content->'decisions', '[]')) WITH ORDINALITY d(item, n)
    UNION ALL
    SELECT task, 'action_item', (a.n - 1)::int, (a.item->>'segment')::int,
           concat_ws(' — ', a.item->>'text', a.item->>'owner', a.item->>'due')
    FROM jsonb_array_elements(coalesce(content->'action_items', '[]')) WITH ORDINALITY a(item, n)
    UNION ALL
    SELECT task, 'transcript', (s.n - 1)::int, (s.n - 1)::int,
           concat_ws(': ', s.item->>'speaker', s.item->>'text')
    FROM jsonb_array_elements(coalesce(content->'transcript', '[]')) WITH ORDINALITY s(item, n);
$$;

CREATE FUNCTION minutes_revisions_index_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_index_minutes(NEW.task_id, NEW.content);
    RETURN NULL;
END
$$;

CREATE TRIGGER minutes_revisions_index_search AFTER INSERT ON minutes_revisions
    FOR EACH ROW EXECUTE FUNCTION minutes_revisions_index_search();

SELECT search_index_minutes(r.task_id, r.content)
FROM (SELECT DISTINCT ON (task_id) task_id, content
      FROM minutes_revisions ORDER BY task_id, version DESC) r;
