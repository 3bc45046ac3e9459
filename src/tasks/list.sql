-- The viewer's task list (`tasks::queries::list`): $1 the viewer's series,
-- $2 their user (NULL when anonymous), $3 and $4 the cursor (NULL for the
-- first page), $5 the page size, $6 the greatest UUID. A file of its own so
-- that `scripts/bench` measures this very statement (L) in pgbench.
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
     WHERE t.user_id = $2
       AND (t.upload_timestamp, t.id) < (coalesce($3::timestamptz, 'infinity'::timestamptz), coalesce($4::uuid, $6::uuid))
     ORDER BY t.upload_timestamp DESC, t.id DESC LIMIT $5)
    UNION ALL
    (SELECT t.id, t.filename, t.content_type, t.size_bytes, t.storage_key, t.status,
            t.stage, t.progress, t.error, t.error_code, t.upload_timestamp, t.updated_at,
            t.state_version, task_access(t, $1, $2, false, NULL, NULL), NULL::text,
            t.title, t.meeting_date
     FROM tasks t
     WHERE $2::uuid IS NULL AND t.series_id = $1 AND t.user_id IS NULL
       AND (t.upload_timestamp, t.id) < (coalesce($3::timestamptz, 'infinity'::timestamptz), coalesce($4::uuid, $6::uuid))
     ORDER BY t.upload_timestamp DESC, t.id DESC LIMIT $5)
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
       AND (t.upload_timestamp, t.id) < (coalesce($3::timestamptz, 'infinity'::timestamptz), coalesce($4::uuid, $6::uuid))
     ORDER BY t.upload_timestamp DESC, t.id DESC LIMIT $5)
) c
ORDER BY c.upload_timestamp DESC, c.id DESC
LIMIT $5
