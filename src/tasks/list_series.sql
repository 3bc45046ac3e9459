-- An anonymous viewer's task list (`tasks::queries::list`): the tasks of
-- their session series. The parameters are `list_user.sql`'s, so that one
-- call binds either: $1 the viewer's series, $2 their user (NULL here),
-- $3 and $4 the cursor, $5 the page size, $6 the greatest UUID, $7 true to
-- sort by meeting date, $8 the cursor's meeting date, $9 the statuses, $10
-- the scope, $11 the sharing owner (an anonymous viewer has no shares, so
-- any owner or the scope 'shared' lists nothing), $12 and $13 the dates.
-- A file of its own so that `scripts/bench` measures this very statement
-- (L) in pgbench, for the anonymous session it lists with.
--
-- One branch, one index walk (`tasks_series_id_idx` or its meeting-date
-- twin) that stops at the page: no merge of branches that cannot apply.
SELECT t.id AS "id!", t.filename AS "filename!", t.content_type AS "content_type!",
       t.size_bytes AS "size_bytes!", t.storage_key AS "storage_key!",
       t.status AS "status!: Status", t.stage AS "stage: Stage", t.progress AS "progress!",
       t.error, t.error_code AS "error_code: ErrorCode", NULL::text AS error_detail,
       t.upload_timestamp AS "upload_timestamp!", t.updated_at AS "updated_at!",
       t.state_version AS "state_version!",
       task_access(t, $1, $2, false, NULL, NULL) AS "access!: Access", NULL::text AS owner,
       t.title, to_char(t.meeting_date, 'YYYY-MM-DD') AS "meeting_date!"
FROM tasks t
WHERE $2::uuid IS NULL AND t.series_id = $1 AND t.user_id IS NULL
  AND $10::text IS DISTINCT FROM 'shared' AND $11::text IS NULL
  AND ($9::text[] IS NULL OR t.status = ANY($9::text[]))
  AND t.meeting_date BETWEEN coalesce($12::date, '-infinity'::date) AND coalesce($13::date, 'infinity'::date)
  AND CASE WHEN $7::boolean
           THEN (t.meeting_date, t.id) < (coalesce($8::text::date, 'infinity'::date), coalesce($4::uuid, $6::uuid))
           ELSE (t.upload_timestamp, t.id) < (coalesce($3::timestamptz, 'infinity'::timestamptz), coalesce($4::uuid, $6::uuid)) END
ORDER BY CASE WHEN $7::boolean THEN t.meeting_date END DESC,
         CASE WHEN $7::boolean THEN NULL ELSE t.upload_timestamp END DESC, t.id DESC
LIMIT $5
