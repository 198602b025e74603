//! Property tests of the ingest parser and validator (`parse_batch`): whatever bytes
//! arrive, it answers without panicking, and what it accepts obeys the contract. The
//! number of cases per property is `PROPTEST_CASES` (default 2000 here); CI runs the
//! default, so every run tries several thousand hostile bodies.

use chatpulse::server::domain::event::{parse_batch, BatchError, Kind, MAX_EVENTS_PER_BATCH};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const NOW: i64 = 1_790_000_000_000;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2000);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Values a field might hold: the right ones, near misses, wrong types, hostile text.
fn field_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("message")),
        Just(json!("widget_opened")),
        Just(json!("web")),
        Just(json!("premium")),
        Just(json!("user")),
        Just(json!("operator")),
        Just(json!("TR")),
        Just(json!("xx")),
        Just(json!("2026-09-01T10:00:00Z")),
        Just(json!("1969-12-31T23:59:59Z")),
        Just(json!("9999-01-01T00:00:00+14:00")),
        Just(json!("<script>alert(1)</script>")),
        Just(json!("'; DROP TABLE events; --")),
        Just(json!("")),
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,300}".prop_map(Value::from),
        prop::collection::vec(any::<u8>(), 0..8).prop_map(|b| json!(b)),
    ]
}

const FIELDS: [&str; 10] =
    ["type", "id", "channel", "user_id", "at", "sender", "human_mode", "user_name", "country", "city"];

fn event_object() -> impl Strategy<Value = Value> {
    prop::collection::vec((prop::sample::select(FIELDS.to_vec()), field_value()), 0..12).prop_map(|pairs| {
        let mut object = Map::new();
        for (name, value) in pairs {
            object.insert(name.to_string(), value);
        }
        Value::Object(object)
    })
}

fn check_outcome(outcome: Result<Vec<chatpulse::server::domain::event::Event>, BatchError>, items: Option<usize>) {
    match outcome {
        Ok(events) => {
            assert!(!events.is_empty() && events.len() <= MAX_EVENTS_PER_BATCH);
            if let Some(items) = items {
                assert_eq!(events.len(), items, "all or nothing");
            }
            for e in &events {
                let chars = e.user_id.chars().count();
                assert!((1..=128).contains(&chars) && !e.user_id.chars().any(char::is_control));
                assert!(e.at_ms >= 0 && e.at_ms <= NOW + 5 * 60_000);
                assert_eq!(e.sender.is_some(), e.kind == Kind::Message);
                assert!(e.country.as_ref().is_none_or(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
                assert!(e.user_name.as_ref().is_none_or(|n| !n.is_empty() && n.chars().count() <= 200));
                assert!(e.city.as_ref().is_none_or(|c| !c.is_empty() && c.chars().count() <= 100));
            }
        }
        Err(BatchError::Invalid(problems)) => {
            assert!(!problems.is_empty());
            if let Some(items) = items {
                assert!(problems.iter().all(|p| p.index < items), "problems name real indexes");
            }
        }
        Err(BatchError::Malformed(text) | BatchError::Shape(text)) => assert!(!text.is_empty()),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_outcome(parse_batch(&body, NOW), None);
    }

    #[test]
    fn batches_of_mixed_events_are_all_or_nothing(events in prop::collection::vec(event_object(), 1..20)) {
        let body = Value::Array(events.clone()).to_string();
        check_outcome(parse_batch(body.as_bytes(), NOW), Some(events.len()));
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing_the_stack(depth in 1usize..5000) {
        let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        prop_assert!(parse_batch(body.as_bytes(), NOW).is_err());
    }
}
