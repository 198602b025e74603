//! What a widget server's announcement on its `/stats` namespace means for chatpulse:
//! `widget_opened`, and `stats_update` with `type` `new_message`, `user_online` or
//! `user_offline`. The mapping is written in `docs/sources.md`.
//!
//! Announcements carry no id. Each event's id is made from what the announcement says
//! (its kind, visitor and time), so the same announcement heard twice — a reconnect, a
//! restart — is stored once.

use serde_json::{Map, Value};

use crate::server::domain::event::{parse_recorded_event, Channel, Event};
use crate::server::domain::time::format_ms;

/// What to do with one announcement.
#[derive(Debug, PartialEq)]
pub enum Announcement {
    /// Store this event.
    Event(Event),
    /// A message was written: its row is on its way to the followed SQL table.
    MessageRowComing,
    /// Not one chatpulse can use; the reason says why.
    Unmappable(String),
}

/// Reads the announcement `name` with `payload`, from the widget server of `channel`.
/// `messages_from_sql`: a SQL source records the messages, so a `new_message` is a
/// nudge to read it rather than an event.
pub fn read_announcement(
    name: &str,
    payload: &Value,
    channel: Channel,
    messages_from_sql: bool,
    now_ms: i64,
) -> Announcement {
    let Some(fields) = payload.as_object() else {
        return Announcement::Unmappable(format!("{name}: the payload is not an object"));
    };
    let kind = match (name, text(fields, &["type"]).as_deref()) {
        ("widget_opened", _) => "widget_opened",
        ("stats_update", Some("user_online")) => "user_online",
        ("stats_update", Some("user_offline")) => "user_offline",
        ("stats_update", Some("new_message")) if messages_from_sql => return Announcement::MessageRowComing,
        ("stats_update", Some("new_message")) => "message",
        ("stats_update", other) => {
            return Announcement::Unmappable(format!(
                "stats_update: type {} is not new_message, user_online or user_offline",
                other.map_or("(missing)".to_string(), |t| format!("{t:?}"))
            ))
        }
        (other, _) => return Announcement::Unmappable(format!("{other}: not an announcement chatpulse reads")),
    };
    let Some(at_ms) = timestamp_ms(fields.get("timestamp")) else {
        return Announcement::Unmappable(format!("{name}: timestamp is missing or not ISO 8601 / epoch milliseconds"));
    };
    let Some(user_id) = text(fields, &["userId", "user_id"]) else {
        return Announcement::Unmappable(format!("{name}: userId is missing"));
    };
    let mut event = Map::new();
    event.insert("type".into(), kind.into());
    event.insert("channel".into(), channel.as_str().into());
    event.insert("user_id".into(), user_id.clone().into());
    event.insert("at".into(), format_ms(at_ms).into());
    let optional = [("user_name", &["userName", "user_name"][..]), ("country", &["country"]), ("city", &["city"])];
    for (field, names) in optional {
        if let Some(value) = text(fields, names) {
            event.insert(field.into(), value.into());
        }
    }
    let mut sender_tag = "";
    if kind == "message" {
        let Some(sender) = text(fields, &["sender", "role", "from"]).and_then(|s| sender_of(&s)) else {
            return Announcement::Unmappable(
                "stats_update: a new_message needs sender (user, bot or operator)".to_string(),
            );
        };
        sender_tag = sender;
        event.insert("sender".into(), sender.into());
        let human_mode = ["humanMode", "human_mode", "isHumanMode"].iter().find_map(|n| fields.get(*n)?.as_bool());
        event.insert("human_mode".into(), human_mode.unwrap_or(false).into());
    }
    let id = match text(fields, &["messageId", "message_id", "id"]) {
        Some(message_id) if kind == "message" => format!("message:{message_id}"),
        _ => format!("{kind}:{user_id}:{at_ms}:{sender_tag}"),
    };
    event.insert("id".into(), id.chars().take(128).collect::<String>().into());
    match parse_recorded_event(&Value::Object(event), now_ms) {
        Ok(event) => Announcement::Event(event),
        Err(reasons) => Announcement::Unmappable(format!("{name}: {reasons}")),
    }
}

/// The first of `names` present, as text (numbers as their digits).
fn text(fields: &Map<String, Value>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| match fields.get(*name)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// An ISO 8601 / RFC 3339 text, or milliseconds since the epoch (`Date.now()`).
fn timestamp_ms(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::String(text) => crate::server::domain::time::parse_rfc3339_ms(text),
        Value::Number(n) => n.as_i64().filter(|ms| *ms > 0),
        _ => None,
    }
}

/// The contract's sender for the names widget servers and LangChain use.
fn sender_of(name: &str) -> Option<&'static str> {
    match name.to_ascii_lowercase().as_str() {
        "user" | "visitor" | "human" | "customer" => Some("user"),
        "bot" | "ai" | "assistant" | "automation" => Some("bot"),
        "operator" | "agent" | "admin" | "staff" => Some("operator"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::domain::event::{Kind, Sender};
    use serde_json::json;

    const NOW: i64 = 1_790_000_000_000;

    fn event(announcement: Announcement) -> Event {
        match announcement {
            Announcement::Event(event) => event,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    #[test]
    fn presence_and_opens_become_events_with_ids_made_from_what_they_say() {
        let payload = json!({"type": "user_online", "userId": "v-1", "timestamp": "2026-03-01T10:00:00.000Z"});
        let online = event(read_announcement("stats_update", &payload, Channel::Premium, false, NOW));
        assert_eq!((online.kind, online.channel, online.user_id.as_str()), (Kind::UserOnline, Channel::Premium, "v-1"));
        assert_eq!(online.id.as_deref(), Some("user_online:v-1:1772359200000:"));
        let again = event(read_announcement("stats_update", &payload, Channel::Premium, false, NOW));
        assert_eq!(again.id, online.id, "the same announcement heard twice has the same id");

        let opened = json!({"userId": 42, "timestamp": 1_772_359_200_000_i64, "country": "TR"});
        let opened = event(read_announcement("widget_opened", &opened, Channel::Web, true, NOW));
        assert_eq!(
            (opened.kind, opened.user_id.as_str(), opened.country.as_deref()),
            (Kind::WidgetOpened, "42", Some("TR"))
        );
    }

    #[test]
    fn a_new_message_is_a_nudge_when_a_sql_source_records_messages() {
        let payload =
            json!({"type": "new_message", "userId": "v", "timestamp": "2026-03-01T10:00:00Z", "sender": "ai"});
        assert_eq!(
            read_announcement("stats_update", &payload, Channel::Web, true, NOW),
            Announcement::MessageRowComing
        );
        let message = event(read_announcement("stats_update", &payload, Channel::Web, false, NOW));
        assert_eq!((message.kind, message.sender, message.human_mode), (Kind::Message, Some(Sender::Bot), false));
    }

    #[test]
    fn what_cannot_be_mapped_says_why() {
        let reason = |name: &str, payload: Value| match read_announcement(name, &payload, Channel::Web, false, NOW) {
            Announcement::Unmappable(reason) => reason,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert!(reason("stats_update", json!({"type": "typing", "userId": "v"})).contains("\"typing\""));
        assert!(reason("widget_opened", json!({"userId": "v"})).contains("timestamp"));
        assert!(reason("widget_opened", json!({"timestamp": "2026-03-01T10:00:00Z"})).contains("userId"));
        let no_sender = json!({"type": "new_message", "userId": "v", "timestamp": "2026-03-01T10:00:00Z"});
        assert!(reason("stats_update", no_sender).contains("sender"));
        assert!(reason("stats_update", json!("text")).contains("not an object"));
        let future = json!({"userId": "v", "timestamp": "2099-01-01T00:00:00Z"});
        assert!(reason("widget_opened", future).contains("at: must not be more than 5 minutes in the future"));
    }
}
