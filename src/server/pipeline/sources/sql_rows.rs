//! One row of the followed SQL table, as the source query returns it (turned into a JSON
//! object by PostgreSQL's `row_to_json`), into an event of the ingest contract.

use serde_json::{Map, Value};

use crate::server::domain::event::{parse_recorded_event, Event};

/// The ingest contract's fields a row may give; other columns are ignored.
const EVENT_FIELDS: [&str; 10] =
    ["id", "type", "channel", "user_id", "user_name", "sender", "human_mode", "country", "city", "at"];

/// Fields that are text in the contract but often numbers in a table (`serial` ids).
const TEXT_FIELDS: [&str; 3] = ["id", "user_id", "user_name"];

/// A row read: where it is, and its event or why it cannot be one.
#[derive(Debug)]
pub struct SourceRow {
    pub cursor: String,
    pub event: Result<Event, String>,
}

/// Why a page cannot be used at all: the query itself is wrong, not one row.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryShapeError {
    #[error("the source query must return rows (got {0})")]
    NotARow(String),
    #[error("the source query must return a column `cursor` that is never NULL")]
    NoCursor,
    #[error("the source query returned a row at the stored cursor {0:?}: it must return only rows after $1")]
    NoProgress(String),
}

/// Reads one row given as the JSON text of `row_to_json`.
pub fn read_row(json_text: &str, now_ms: i64) -> Result<SourceRow, QueryShapeError> {
    let Ok(Value::Object(row)) = serde_json::from_str::<Value>(json_text) else {
        return Err(QueryShapeError::NotARow(json_text.chars().take(80).collect()));
    };
    let cursor = match row.get("cursor") {
        None | Some(Value::Null) => return Err(QueryShapeError::NoCursor),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    };
    Ok(SourceRow { cursor, event: parse_recorded_event(&event_object(&row), now_ms) })
}

/// The row's contract fields: NULL is absent, a number in a text field is its digits.
fn event_object(row: &Map<String, Value>) -> Value {
    let mut event = Map::new();
    for field in EVENT_FIELDS {
        let value = match row.get(field) {
            None | Some(Value::Null) => continue,
            Some(Value::Number(n)) if TEXT_FIELDS.contains(&field) => Value::String(n.to_string()),
            Some(value) => value.clone(),
        };
        event.insert(field.to_string(), value);
    }
    Value::Object(event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::domain::event::{Kind, Sender};

    const NOW: i64 = 1_790_000_000_000;

    #[test]
    fn a_postgres_row_becomes_an_event_with_its_cursor() {
        let row = r#"{"id": 41, "type": "message", "channel": "web", "user_id": "s-1", "sender": "user",
                      "human_mode": null, "country": null, "city": null, "user_name": null,
                      "at": "2026-03-01T10:00:00.123456+00:00", "cursor": 41, "extra": "ignored"}"#;
        let read = read_row(row, NOW).unwrap();
        assert_eq!(read.cursor, "41");
        let event = read.event.unwrap();
        assert_eq!((event.id.as_deref(), event.kind, event.sender), (Some("41"), Kind::Message, Some(Sender::User)));
        assert_eq!(event.at_ms, 1_772_359_200_123);
        assert!(!event.human_mode);
    }

    #[test]
    fn a_row_without_a_time_is_refused_with_its_reason_never_stamped_now() {
        let row =
            r#"{"type": "message", "channel": "web", "user_id": "s-1", "sender": "bot", "at": null, "cursor": "7"}"#;
        let reason = read_row(row, NOW).unwrap().event.unwrap_err();
        assert!(reason.starts_with("at: is required"), "{reason}");
    }

    #[test]
    fn an_invalid_row_is_refused_but_keeps_its_cursor() {
        let row =
            r#"{"type": "message", "channel": "shop", "user_id": "s-1", "at": "2026-03-01T10:00:00Z", "cursor": "9"}"#;
        let read = read_row(row, NOW).unwrap();
        assert_eq!(read.cursor, "9");
        let reason = read.event.unwrap_err();
        assert!(reason.contains("channel: ") && reason.contains("sender: "), "{reason}");
    }

    #[test]
    fn a_query_without_a_cursor_is_wrong_as_a_whole() {
        let row = r#"{"type": "widget_opened", "channel": "web", "user_id": "u", "at": "2026-03-01T10:00:00Z"}"#;
        assert_eq!(read_row(row, NOW).unwrap_err(), QueryShapeError::NoCursor);
        assert!(matches!(read_row("[1]", NOW), Err(QueryShapeError::NotARow(_))));
    }
}
