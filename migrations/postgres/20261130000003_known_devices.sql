-- Browsers that have logged in to an account: the account's login backoff does not bind
-- them, so guessing at an account cannot lock its rightful user out. Only hashes.
CREATE TABLE known_devices (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);
