-- A task's state has a version: every change of its row takes the next
-- number, under the row's lock, so a client that hears states out of order
-- (an HTTP answer read before a socket event but delivered after it) can
-- keep the newest. A trigger, so that no writer can forget to count.
ALTER TABLE tasks ADD COLUMN state_version bigint NOT NULL DEFAULT 1;

CREATE FUNCTION tasks_next_state_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.state_version := OLD.state_version + 1;
    RETURN NEW;
END
$$;

CREATE TRIGGER tasks_state_version BEFORE UPDATE ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_next_state_version();
