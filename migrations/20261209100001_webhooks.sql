-- Signed webhooks (docs/api.md, "Webhooks"). An endpoint belongs to a user
-- and hears the events of the tasks that user owns, or, with `all_tasks`
-- (admins only, re-checked at every delivery), of every task.
--
-- The signing secret must be usable, so it cannot be a hash: it is kept
-- sealed (XChaCha20-Poly1305 under a key derived from `session.secret`,
-- bound to the endpoint's id). A rotation keeps the previous secret until
-- `previous_secret_until`, and deliveries are signed with both meanwhile.
CREATE TABLE webhooks (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url text NOT NULL,
    events text[] NOT NULL,
    all_tasks boolean NOT NULL DEFAULT false,
    secret_sealed bytea NOT NULL,
    previous_secret_sealed bytea NULL,
    previous_secret_until timestamptz NULL,
    -- Failed attempts in a row; reset by a success. At `webhooks.max_failures`
    -- the endpoint is disabled until its owner enables it again.
    consecutive_failures integer NOT NULL DEFAULT 0,
    disabled_at timestamptz NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_user_id_idx ON webhooks (user_id, created_at DESC);
-- The outbox looks up an event's endpoints by the task's owner and among
-- the all-tasks ones.
CREATE INDEX webhooks_all_tasks_idx ON webhooks (user_id) WHERE all_tasks;

-- One event for one endpoint: the delivery queue and the delivery log at
-- once. A pending row is claimed like a job (`FOR UPDATE SKIP LOCKED` under
-- a lease); `message_id` is the `webhook-id` the receiver sees, the same
-- across retries and redeliveries; `body` is signed exactly as stored.
CREATE TABLE webhook_deliveries (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    message_id text NOT NULL DEFAULT ('msg_' || replace(gen_random_uuid()::text, '-', '')),
    event text NOT NULL,
    -- The task the event is about (none for a test event): its access is
    -- checked again before each attempt.
    task_id uuid NULL,
    body text NOT NULL,
    state text NOT NULL DEFAULT 'pending'
        CONSTRAINT webhook_deliveries_state_check
        CHECK (state IN ('pending', 'delivered', 'failed', 'dropped')),
    attempts integer NOT NULL DEFAULT 0,
    run_at timestamptz NOT NULL DEFAULT now(),
    locked_by text NULL,
    lease_expires_at timestamptz NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (run_at)
    WHERE state = 'pending';
CREATE INDEX webhook_deliveries_webhook_id_idx
    ON webhook_deliveries (webhook_id, created_at DESC);

-- Each attempt's outcome, for the delivery log.
CREATE TABLE webhook_attempts (
    id bigserial PRIMARY KEY,
    delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt integer NOT NULL,
    status_code integer NULL,
    response_ms integer NULL,
    error text NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_attempts_delivery_id_idx ON webhook_attempts (delivery_id, attempt);
