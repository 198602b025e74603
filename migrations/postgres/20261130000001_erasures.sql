-- Deleting events (a visitor's erasure, the retention) makes every instance rebuild its
-- figures: data_epoch says a rebuild is due, seq_floor keeps the data version growing.
ALTER TABLE settings ADD COLUMN data_epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE settings ADD COLUMN seq_floor BIGINT NOT NULL DEFAULT 0;

-- Who deleted what and when; a visitor appears only as the SHA-256 of its channel and id.
CREATE TABLE erasures (
    id BIGSERIAL PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel BIGINT,
    subject_sha256 TEXT,
    events_deleted BIGINT NOT NULL
);

-- Erasing one visitor reads their events by id.
CREATE INDEX events_user_id ON events (user_id);

-- The retention deletes by time.
CREATE INDEX events_at_ms ON events (at_ms);
