-- Successful logins are counted per account too ('login'): each starts a
-- series, so one account cannot mint sessions (and with them sockets)
-- without bound.
ALTER TABLE login_attempts
    DROP CONSTRAINT login_attempts_scope_check,
    ADD CONSTRAINT login_attempts_scope_check
        CHECK (scope IN ('account', 'ip', 'device', 'register', 'device_account', 'login'));
