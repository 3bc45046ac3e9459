-- The one definition of a viewer's access to a task, in a form PostgreSQL
-- inlines. The previous `task_access(t, viewer_series, viewer_user,
-- with_admin)` looked up the viewer's admin role and the task's share in
-- sub-selects, so the planner could not inline it and called it for every
-- row it considered. Now a statement joins what access depends on (the
-- task's owner, the viewer's share of the task) and asks whether the viewer
-- is an admin once (`user_is_admin`, an InitPlan); `task_access` is a plain
-- expression over those rows, inlined into each statement's plan.

DROP FUNCTION task_access(tasks, uuid, uuid, boolean);
DROP FUNCTION task_share_permission(tasks, uuid);

-- Whether `u` is an enabled admin. Statements call it once, as
-- `(SELECT user_is_admin($n))`, never per row.
CREATE FUNCTION user_is_admin(u uuid)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (
        SELECT 1 FROM user_roles r
        JOIN users a ON a.id = r.user_id
        WHERE r.user_id = u AND r.role = 'admin' AND a.disabled_at IS NULL
    )
$$;

-- The viewer's access to `t`: 'owner', 'admin', 'edit', 'view', or NULL
-- (none: the task is 404 to them). What each level may do is decided in one
-- place in the code (`Access::allows`); which level a viewer has is decided
-- here, and nowhere else.
--
-- - `viewer_admin`: whether the viewer is an admin who may open every task
--   (`(SELECT user_is_admin(viewer))` on single-task requests and the admin
--   list; false for the viewer's own list, which shows only what is theirs
--   or shared with them);
-- - `owner`: the task's user (a NULL row when it has none);
-- - `share`: the viewer's share of the task (a NULL row when none).
--
-- A share counts only while the task has a user owner whose account is
-- enabled: disabling an owner takes their tasks from every grantee at once.
-- The rows passed in are checked against `t` and the viewer, so a statement
-- that joined the wrong ones gets no access rather than someone else's.
--
-- A single expression without sub-selects, so the planner inlines it (and
-- `task_visible` in it): no function call per row.
CREATE FUNCTION task_access(
    t tasks, viewer_series uuid, viewer_user uuid, viewer_admin boolean,
    owner users, share task_shares
)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE
        WHEN task_visible(t, viewer_series, viewer_user) THEN 'owner'
        WHEN viewer_user IS NULL THEN NULL
        WHEN viewer_admin THEN 'admin'
        WHEN share.task_id = t.id AND share.grantee_user_id = viewer_user
             AND owner.id = t.user_id AND owner.disabled_at IS NULL
            THEN share.permission
    END
$$;
