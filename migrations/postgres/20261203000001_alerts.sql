-- Alert rules set on /settings. A removed rule keeps its row (removed_ms) so that its
-- incidents and deliveries still name it.
CREATE TABLE alert_rules (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    threshold DOUBLE PRECISION NOT NULL,
    webhook_url TEXT,
    webhook_secret TEXT,
    created_ms BIGINT NOT NULL,
    removed_ms BIGINT
);

-- One row per incident: opened when a rule's condition starts to hold, closed when it
-- stops. At most one open incident per rule, whichever instance tries to open it.
CREATE TABLE alert_incidents (
    id BIGSERIAL PRIMARY KEY,
    rule_id BIGINT NOT NULL,
    opened_ms BIGINT NOT NULL,
    opened_value DOUBLE PRECISION NOT NULL,
    closed_ms BIGINT,
    closed_value DOUBLE PRECISION
);
CREATE UNIQUE INDEX alert_incidents_one_open ON alert_incidents (rule_id) WHERE closed_ms IS NULL;

-- The webhook outbox and its log: written in the transaction that opens or closes an
-- incident, sent (and retried) by the instance that leads deliveries.
CREATE TABLE alert_deliveries (
    id BIGSERIAL PRIMARY KEY,
    incident_id BIGINT NOT NULL,
    rule_id BIGINT NOT NULL,
    event TEXT NOT NULL,
    url TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms BIGINT NOT NULL,
    last_http_status INTEGER,
    last_error TEXT,
    created_ms BIGINT NOT NULL,
    finished_ms BIGINT
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_ms);
