-- Device cookies (a browser that logged in to an account before) get their
-- own small failure counter, and registrations are counted per client IP,
-- both in `login_attempts`. Each row gets an id so an attempt counted before
-- its password check can be forgotten exactly when it succeeds.
ALTER TABLE login_attempts
    DROP CONSTRAINT login_attempts_scope_check,
    ADD CONSTRAINT login_attempts_scope_check
        CHECK (scope IN ('account', 'ip', 'device', 'register')),
    ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
