-- The one definition of who may see a task: its user, or — for a task no
-- user has adopted — the anonymous series that uploaded it. Every viewer
-- query in src/tasks/queries.rs filters with it; sharing will widen it here.
-- A plain SQL function, so the planner inlines it and still uses the owner
-- indexes.
CREATE FUNCTION task_visible(t tasks, viewer_series uuid, viewer_user uuid)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT t.user_id = viewer_user
        OR (viewer_user IS NULL AND t.series_id = viewer_series AND t.user_id IS NULL)
$$;
