//! Ingest events in the contract's JSON, for the tests and the benches alike. Both
//! include this file by path (`tests/it/common/mod.rs`, `benches/support/mod.rs`).

use serde_json::{json, Value};

/// A `message` of `user` on channel `web`, sent by `sender` (`user`, `bot`,
/// `operator`) at `at_ms` (epoch ms). Add or change fields on the value it returns.
pub fn message(user: &str, sender: &str, at_ms: i64) -> Value {
    json!({"type": "message", "channel": "web", "user_id": user, "sender": sender, "at": rfc3339(at_ms)})
}

/// An instant as the contract writes it.
pub fn rfc3339(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms).expect("a representable instant").to_rfc3339()
}
