-- Every accepted widget event, in commit order (seq). Message text is never stored.
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT UNIQUE,
    kind BIGINT NOT NULL,
    channel BIGINT NOT NULL,
    user_id TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    sender BIGINT,
    human_mode BOOLEAN NOT NULL DEFAULT FALSE,
    user_name TEXT,
    country TEXT,
    city TEXT,
    received_ms BIGINT NOT NULL
);

CREATE TABLE settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    session_gap_minutes BIGINT NOT NULL,
    min_session_messages BIGINT NOT NULL,
    online_window_minutes BIGINT NOT NULL,
    timezone TEXT NOT NULL,
    revision BIGINT NOT NULL
);
INSERT INTO settings VALUES (1, 30, 2, 5, 'UTC', 0);

CREATE TABLE admins (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    label TEXT NOT NULL,
    scope TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    last_used_ms BIGINT,
    revoked_ms BIGINT
);

CREATE TABLE admin_sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL
);
