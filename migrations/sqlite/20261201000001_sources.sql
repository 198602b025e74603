-- Where each followed source stands: its cursor is written in the same transaction as
-- the events read up to it, so a crash neither loses nor repeats a row.
CREATE TABLE source_cursors (
    source TEXT PRIMARY KEY,
    cursor TEXT NOT NULL,
    rows_read BIGINT NOT NULL DEFAULT 0,
    refused BIGINT NOT NULL DEFAULT 0,
    updated_ms BIGINT NOT NULL
);

-- Rows a source gave that could not become events, counted by reason (reasons name a
-- field and the rule it broke, never a value); the last such row's cursor finds it.
CREATE TABLE source_refusals (
    source TEXT NOT NULL,
    reason TEXT NOT NULL,
    count BIGINT NOT NULL,
    last_cursor TEXT NOT NULL,
    last_ms BIGINT NOT NULL,
    PRIMARY KEY (source, reason)
);
