-- Sharing, and the one definition of a viewer's access to a task.
--
-- A logged-in owner may share a task with another user, to view it or to
-- edit it (retry it, edit its minutes). `granted_by` is kept for the share
-- list and the audit trail; a grantor's account going away leaves the share.
CREATE TABLE task_shares (
    task_id uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    grantee_user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    permission text NOT NULL
        CONSTRAINT task_shares_permission_check CHECK (permission IN ('view', 'edit')),
    granted_by uuid NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT task_shares_pkey PRIMARY KEY (task_id, grantee_user_id)
);

-- "Shared with me", newest first, comes from here.
CREATE INDEX task_shares_grantee_idx ON task_shares (grantee_user_id, task_id);

-- The permission a share gives `viewer_user` on `t`, or NULL. A share
-- counts only while the task has a user owner whose account is enabled:
-- disabling an owner takes their tasks from every grantee at once.
CREATE FUNCTION task_share_permission(t tasks, viewer_user uuid)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT s.permission
    FROM task_shares s
    JOIN users o ON o.id = t.user_id
    WHERE s.task_id = t.id
      AND s.grantee_user_id = viewer_user
      AND o.disabled_at IS NULL
$$;

-- The viewer's access to `t`: 'owner', 'admin', 'edit', 'view', or NULL
-- (none: the task is 404 to them). What each level may do is decided in one
-- place in the code (`Access::allows`); which level a viewer has is decided
-- here, and nowhere else. `with_admin` is false where admins should see only
-- what is theirs or shared with them (their own task list); admin endpoints
-- and single-task requests pass true.
CREATE FUNCTION task_access(t tasks, viewer_series uuid, viewer_user uuid, with_admin boolean)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT CASE
        WHEN task_visible(t, viewer_series, viewer_user) THEN 'owner'
        WHEN viewer_user IS NULL THEN NULL
        WHEN with_admin AND EXISTS (
            SELECT 1 FROM user_roles r
            JOIN users u ON u.id = r.user_id
            WHERE r.user_id = viewer_user AND r.role = 'admin' AND u.disabled_at IS NULL
        ) THEN 'admin'
        ELSE task_share_permission(t, viewer_user)
    END
$$;
