-- A signed-in viewer's task list (`tasks::queries::list`): their own
-- tasks and those shared with them. $1 the viewer's series, $2 their user,
-- $3 and $4 the cursor (NULL for the first page), $5 the page size, $6
-- the greatest UUID; $7 true to sort by meeting date (else by upload), $8
-- the cursor's meeting date; the filters, each NULL for none: $9 the
-- statuses, $10 the scope ('mine' or 'shared'), $11 the sharing owner's
-- username, $12 and $13 the first and last meeting date. An anonymous
-- viewer's list is `list_series.sql`, with the same parameters.
--
-- The sort is one of two keysets, (meeting_date, id) or (upload_timestamp,
-- id), chosen by $7 in `CASE`s. Each branch walks the owner's index for it
-- (`tasks_user_id_idx` or `tasks_user_id_meeting_idx`; the grantee's
-- shares) and stops at the page; the branches are merged and cut to the
-- page again.
SELECT c.id AS "id!", c.filename AS "filename!", c.content_type AS "content_type!",
       c.size_bytes AS "size_bytes!", c.storage_key AS "storage_key!",
       c.status AS "status!: Status", c.stage AS "stage: Stage", c.progress AS "progress!",
       c.error, c.error_code AS "error_code: ErrorCode", NULL::text AS error_detail,
       c.upload_timestamp AS "upload_timestamp!", c.updated_at AS "updated_at!",
       c.state_version AS "state_version!", c.access AS "access!: Access", c.owner,
       c.title, to_char(c.meeting_date, 'YYYY-MM-DD') AS "meeting_date!"
FROM (
    (SELECT t.id, t.filename, t.content_type, t.size_bytes, t.storage_key, t.status,
            t.stage, t.progress, t.error, t.error_code, t.upload_timestamp, t.updated_at,
            t.state_version, task_access(t, $1, $2, false, NULL, NULL) AS access,
            NULL::text AS owner, t.title, t.meeting_date
     FROM tasks t
     WHERE t.user_id = $2 AND $10::text IS DISTINCT FROM 'shared' AND $11::text IS NULL
       AND ($9::text[] IS NULL OR t.status = ANY($9::text[]))
       AND t.meeting_date BETWEEN coalesce($12::date, '-infinity'::date) AND coalesce($13::date, 'infinity'::date)
       AND CASE WHEN $7::boolean
                THEN (t.meeting_date, t.id) < (coalesce($8::text::date, 'infinity'::date), coalesce($4::uuid, $6::uuid))
                ELSE (t.upload_timestamp, t.id) < (coalesce($3::timestamptz, 'infinity'::timestamptz), coalesce($4::uuid, $6::uuid)) END
     ORDER BY CASE WHEN $7::boolean THEN t.meeting_date END DESC,
              CASE WHEN $7::boolean THEN NULL ELSE t.upload_timestamp END DESC, t.id DESC
     LIMIT $5)
    UNION ALL
    (SELECT t.id, t.filename, t.content_type, t.size_bytes, t.storage_key, t.status,
            t.stage, t.progress, t.error, t.error_code, t.upload_timestamp, t.updated_at,
            t.state_version, task_access(t, $1, $2, false, o, s), o.username::text,
            t.title, t.meeting_date
     FROM task_shares s
     JOIN tasks t ON t.id = s.task_id
     JOIN users o ON o.id = t.user_id
     WHERE s.grantee_user_id = $2 AND t.user_id <> $2
       AND task_access(t, $1, $2, false, o, s) IS NOT NULL
       AND $10::text IS DISTINCT FROM 'mine'
       AND ($11::text IS NULL OR o.username = $11::text::citext)
       AND ($9::text[] IS NULL OR t.status = ANY($9::text[]))
       AND t.meeting_date BETWEEN coalesce($12::date, '-infinity'::date) AND coalesce($13::date, 'infinity'::date)
       AND CASE WHEN $7::boolean
                THEN (t.meeting_date, t.id) < (coalesce($8::text::date, 'infinity'::date), coalesce($4::uuid, $6::uuid))
                ELSE (t.upload_timestamp, t.id) < (coalesce($3::timestamptz, 'infinity'::timestamptz), coalesce($4::uuid, $6::uuid)) END
     ORDER BY CASE WHEN $7::boolean THEN t.meeting_date END DESC,
              CASE WHEN $7::boolean THEN NULL ELSE t.upload_timestamp END DESC, t.id DESC
     LIMIT $5)
) c
ORDER BY CASE WHEN $7::boolean THEN c.meeting_date END DESC,
         CASE WHEN $7::boolean THEN NULL ELSE c.upload_timestamp END DESC, c.id DESC
LIMIT $5
