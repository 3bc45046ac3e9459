-- Device cookies are good only for the credentials they were issued under:
-- each account has a credential epoch, bound into its device cookies' MAC,
-- that a password change, a disable and an admin's "sign out everywhere"
-- move on. Failures through device cookies also count per account
-- ('device_account'), so many cookies of one account share one ceiling.
ALTER TABLE users ADD COLUMN credential_epoch bigint NOT NULL DEFAULT 0;

ALTER TABLE login_attempts
    DROP CONSTRAINT login_attempts_scope_check,
    ADD CONSTRAINT login_attempts_scope_check
        CHECK (scope IN ('account', 'ip', 'device', 'register', 'device_account'));
