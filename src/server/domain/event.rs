//! Widget events as the contract defines them, parsed from JSON with every problem listed.

use serde::Serialize;
use serde_json::{Map, Value};

use super::country::normalize_country;
use super::page_url::normalize_page_url;
use super::time::{parse_rfc3339_ms, MINUTE_MS};

pub const MAX_EVENTS_PER_BATCH: usize = 1000;
const MAX_FUTURE_MS: i64 = 5 * MINUTE_MS;

/// The channel type is shared with the browser (`model::Channel`).
pub use crate::model::Channel;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Message = 0,
    WidgetOpened = 1,
    UserOnline = 2,
    UserOffline = 3,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Message, Kind::WidgetOpened, Kind::UserOnline, Kind::UserOffline];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Message => "message",
            Kind::WidgetOpened => "widget_opened",
            Kind::UserOnline => "user_online",
            Kind::UserOffline => "user_offline",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|k| *k as i64 == code)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sender {
    User = 0,
    Bot = 1,
    Operator = 2,
}

impl Sender {
    pub const ALL: [Sender; 3] = [Sender::User, Sender::Bot, Sender::Operator];

    pub fn as_str(self) -> &'static str {
        match self {
            Sender::User => "user",
            Sender::Bot => "bot",
            Sender::Operator => "operator",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|s| *s as i64 == code)
    }
}

/// One valid event, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: Option<String>,
    pub kind: Kind,
    pub channel: Channel,
    pub user_id: String,
    pub at_ms: i64,
    /// `Some` exactly for messages.
    pub sender: Option<Sender>,
    pub human_mode: bool,
    pub user_name: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    /// Who answered: operator messages only.
    pub operator_id: Option<String>,
    /// The page the widget is on, as `page_url::normalize_page_url` keeps it: messages
    /// and widget opens only.
    pub page_url: Option<String>,
}

impl Event {
    /// A message with nothing but its channel, user, time and sender, for tests.
    #[cfg(test)]
    pub fn message_for_tests(channel: Channel, user_id: &str, at_ms: i64, sender: Sender) -> Event {
        Event {
            id: None,
            kind: Kind::Message,
            channel,
            user_id: user_id.into(),
            at_ms,
            sender: Some(sender),
            human_mode: false,
            user_name: None,
            country: None,
            city: None,
            operator_id: None,
            page_url: None,
        }
    }
}

/// One reason an event was refused, as the contract's `problems` list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub index: usize,
    pub field: String,
    pub reason: String,
}

impl Problem {
    fn new(index: usize, field: &str, reason: impl Into<String>) -> Self {
        Problem { index, field: field.to_string(), reason: reason.into() }
    }
}

/// One event recorded elsewhere earlier (an import, a followed table), through the
/// ingest's validation with `at` required: history is never stamped with the time it was
/// read. The error lists every problem as `field: reason`.
pub fn parse_recorded_event(value: &Value, now_ms: i64) -> Result<Event, String> {
    if value.get("at").is_none_or(Value::is_null) {
        return Err(
            "at: is required for an event recorded earlier (it is never stamped with the time it was read)".into()
        );
    }
    parse_event(0, value, None, now_ms).map_err(|problems| {
        problems.iter().map(|Problem { field, reason, .. }| format!("{field}: {reason}")).collect::<Vec<_>>().join("; ")
    })
}

/// Why a whole request body was refused before or while reading its events.
#[derive(Debug, PartialEq, Eq)]
pub enum BatchError {
    /// Not parseable as JSON (or not UTF-8); the text says where.
    Malformed(String),
    /// Neither an object nor a non-empty array of at most 1000 objects.
    Shape(String),
    /// Parsed, but some events are invalid.
    Invalid(Vec<Problem>),
}

/// Parses an HTTP ingest body: one event object or an array of them.
pub fn parse_batch(body: &[u8], now_ms: i64) -> Result<Vec<Event>, BatchError> {
    let text = std::str::from_utf8(body).map_err(|_| BatchError::Malformed("the body is not valid UTF-8".into()))?;
    let value: Value =
        serde_json::from_str(text).map_err(|e| BatchError::Malformed(format!("the body is not valid JSON: {e}")))?;
    let items = match value {
        Value::Array(items) => items,
        object @ Value::Object(_) => vec![object],
        _ => return Err(BatchError::Shape("the body must be an event object or an array of event objects".into())),
    };
    if items.is_empty() {
        return Err(BatchError::Shape("the array holds no events".into()));
    }
    if items.len() > MAX_EVENTS_PER_BATCH {
        return Err(BatchError::Shape(format!(
            "at most {MAX_EVENTS_PER_BATCH} events per request, got {}",
            items.len()
        )));
    }
    let mut events = Vec::with_capacity(items.len());
    let mut problems = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match parse_event(index, item, None, now_ms) {
            Ok(event) => events.push(event),
            Err(mut found) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(events)
    } else {
        Err(BatchError::Invalid(problems))
    }
}

/// Parses one event. `kind` is given by the Socket.IO event name; over HTTP it comes
/// from the `type` field.
pub fn parse_event(index: usize, value: &Value, kind: Option<Kind>, now_ms: i64) -> Result<Event, Vec<Problem>> {
    let Some(object) = value.as_object() else {
        return Err(vec![Problem::new(index, "", "an event must be a JSON object")]);
    };
    let mut fields = Fields { index, object, problems: Vec::new() };
    let kind = match kind {
        Some(kind) => Some(kind),
        None => fields.required_enum("type", Kind::parse, "message, widget_opened, user_online or user_offline"),
    };
    let id = fields.optional_text("id", 1, 128, false);
    let channel = fields.required_enum("channel", Channel::parse, "web or premium");
    let user_id = fields.required_text("user_id", 1, 128, true);
    let at_ms = fields.timestamp("at", now_ms);
    let is_message = kind == Some(Kind::Message);
    let sender = if is_message { fields.required_enum("sender", Sender::parse, "user, bot or operator") } else { None };
    let human_mode = if is_message { fields.optional_bool("human_mode") } else { false };
    let user_name = fields.optional_text("user_name", 0, 200, false);
    let country = fields.country("country");
    let city = fields.optional_text("city", 0, 100, false);
    // Checked on every message, kept only where it means something: an operator's.
    let operator_id = if is_message { fields.optional_text("operator_id", 1, 128, true) } else { None };
    let operator_id = operator_id.filter(|_| sender == Some(Sender::Operator));
    let page_url = match kind {
        Some(Kind::Message | Kind::WidgetOpened) => fields.page_url("page_url"),
        _ => None,
    };

    match (kind, channel, user_id, fields.problems.is_empty()) {
        (Some(kind), Some(channel), Some(user_id), true) => Ok(Event {
            id,
            kind,
            channel,
            user_id,
            at_ms,
            sender,
            human_mode,
            user_name: user_name.filter(|s| !s.is_empty()),
            country,
            city: city.filter(|s| !s.is_empty()),
            operator_id,
            page_url,
        }),
        _ => Err(fields.problems),
    }
}

/// Reads fields of one event object, collecting problems instead of stopping at the first.
struct Fields<'a> {
    index: usize,
    object: &'a Map<String, Value>,
    problems: Vec<Problem>,
}

impl Fields<'_> {
    fn problem(&mut self, field: &str, reason: impl Into<String>) {
        self.problems.push(Problem::new(self.index, field, reason));
    }

    /// The field's value, treating JSON `null` as absent.
    fn get(&self, field: &str) -> Option<&Value> {
        self.object.get(field).filter(|v| !v.is_null())
    }

    fn string(&mut self, field: &str) -> Option<String> {
        match self.get(field)? {
            // PostgreSQL cannot store NUL in text; SQLite would cut the text there.
            Value::String(s) if s.contains('\0') => {
                self.problem(field, "must not contain the NUL character (\\u0000)");
                None
            }
            Value::String(s) => Some(s.clone()),
            _ => {
                self.problem(field, "must be a string");
                None
            }
        }
    }

    fn required_enum<T>(&mut self, field: &str, parse: fn(&str) -> Option<T>, allowed: &str) -> Option<T> {
        if self.get(field).is_none() {
            self.problem(field, "is required");
            return None;
        }
        let text = self.string(field)?;
        let parsed = parse(&text);
        if parsed.is_none() {
            self.problem(field, format!("must be one of {allowed}"));
        }
        parsed
    }

    fn required_text(&mut self, field: &str, min: usize, max: usize, no_control: bool) -> Option<String> {
        if self.get(field).is_none() {
            self.problem(field, "is required");
            return None;
        }
        self.optional_text(field, min, max, no_control)
    }

    fn optional_text(&mut self, field: &str, min: usize, max: usize, no_control: bool) -> Option<String> {
        let text = self.string(field)?;
        let chars = text.chars().count();
        if chars < min || chars > max {
            self.problem(field, format!("must be {min} to {max} characters long"));
            return None;
        }
        if no_control && text.chars().any(char::is_control) {
            self.problem(field, "must not contain control characters");
            return None;
        }
        Some(text)
    }

    fn optional_bool(&mut self, field: &str) -> bool {
        match self.get(field) {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.problem(field, "must be true or false");
                false
            }
        }
    }

    fn timestamp(&mut self, field: &str, now_ms: i64) -> i64 {
        let Some(text) = self.string(field) else {
            return now_ms;
        };
        match parse_rfc3339_ms(&text) {
            None => self.problem(field, "must be an RFC 3339 time with an offset, e.g. 2026-03-01T10:00:00Z"),
            Some(at) if at < 0 => self.problem(field, "must not be before 1970"),
            Some(at) if at > now_ms + MAX_FUTURE_MS => {
                self.problem(field, "must not be more than 5 minutes in the future")
            }
            Some(at) => return at,
        }
        now_ms
    }

    /// A country code, or `None` for an unknown country: a code that names none (a
    /// proxy's `XX` or `T1`, a typo) is stored as unknown, never a reason to refuse.
    fn country(&mut self, field: &str) -> Option<String> {
        normalize_country(&self.string(field)?)
    }

    /// A page's origin and path, or `None` for an unknown page (never a refusal but
    /// for NUL, which no database stores).
    fn page_url(&mut self, field: &str) -> Option<String> {
        normalize_page_url(&self.string(field)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_790_000_000_000;

    fn fields_of(problems: &[Problem]) -> Vec<(usize, &str)> {
        problems.iter().map(|p| (p.index, p.field.as_str())).collect()
    }

    #[test]
    fn a_full_message_parses_with_defaults_filled() {
        let body = json!({"type": "message", "channel": "web", "user_id": "u1", "sender": "user",
                          "country": "tr", "user_name": "", "extra": 1});
        let events = parse_batch(body.to_string().as_bytes(), NOW).unwrap();
        assert_eq!(events.len(), 1);
        let e = &events[0];
        assert_eq!((e.kind, e.channel, e.sender), (Kind::Message, Channel::Web, Some(Sender::User)));
        assert_eq!(e.at_ms, NOW);
        assert_eq!(e.country.as_deref(), Some("TR"));
        assert_eq!(e.user_name, None);
        assert!(!e.human_mode);
    }

    #[test]
    fn every_problem_of_every_event_is_listed() {
        let body = json!([
            {"type": "message", "channel": "web", "user_id": "u1", "sender": "user"},
            {"type": "nope", "channel": "mobile", "user_id": "", "at": "yesterday"},
            {"type": "message", "channel": "web", "user_id": 5, "human_mode": "yes"},
        ]);
        let Err(BatchError::Invalid(problems)) = parse_batch(body.to_string().as_bytes(), NOW) else {
            panic!("expected problems");
        };
        assert_eq!(
            fields_of(&problems),
            vec![
                (1, "type"),
                (1, "channel"),
                (1, "user_id"),
                (1, "at"),
                (2, "user_id"),
                (2, "sender"),
                (2, "human_mode")
            ]
        );
    }

    #[test]
    fn timestamps_far_in_the_future_are_refused_but_five_minutes_pass() {
        let at = |ms: i64| super::super::time::format_ms(ms);
        let ok = json!({"type": "widget_opened", "channel": "web", "user_id": "u", "at": at(NOW + 5 * MINUTE_MS)});
        assert!(parse_batch(ok.to_string().as_bytes(), NOW).is_ok());
        let late =
            json!({"type": "widget_opened", "channel": "web", "user_id": "u", "at": at(NOW + 5 * MINUTE_MS + 1)});
        assert!(matches!(parse_batch(late.to_string().as_bytes(), NOW), Err(BatchError::Invalid(_))));
    }

    #[test]
    fn the_body_shape_is_checked_first() {
        assert!(matches!(parse_batch(b"{", NOW), Err(BatchError::Malformed(_))));
        assert!(matches!(parse_batch(&[0xff, 0xfe], NOW), Err(BatchError::Malformed(_))));
        assert!(matches!(parse_batch(b"[]", NOW), Err(BatchError::Shape(_))));
        assert!(matches!(parse_batch(b"42", NOW), Err(BatchError::Shape(_))));
        let many: Vec<Value> =
            (0..1001).map(|i| json!({"type": "user_online", "channel": "web", "user_id": format!("u{i}")})).collect();
        assert!(matches!(parse_batch(Value::Array(many).to_string().as_bytes(), NOW), Err(BatchError::Shape(_))));
    }

    #[test]
    fn text_limits_count_characters_and_user_ids_refuse_control_characters() {
        let name = "ş".repeat(200);
        let ok = json!({"type": "user_online", "channel": "web", "user_id": "u", "user_name": name});
        assert!(parse_batch(ok.to_string().as_bytes(), NOW).is_ok());
        let bad =
            json!({"type": "user_online", "channel": "web", "user_id": "a\nb", "city": "x".repeat(101), "id": ""});
        let Err(BatchError::Invalid(problems)) = parse_batch(bad.to_string().as_bytes(), NOW) else {
            panic!("expected problems");
        };
        assert_eq!(fields_of(&problems), vec![(0, "id"), (0, "user_id"), (0, "city")]);
    }

    #[test]
    fn text_no_database_can_store_is_refused_in_every_field() {
        let bad = json!({"type": "message", "channel": "web", "user_id": "u", "sender": "user",
                         "user_name": "a\u{0}b", "city": "\u{0}", "id": "x\u{0}", "country": "T\u{0}"});
        let Err(BatchError::Invalid(problems)) = parse_batch(bad.to_string().as_bytes(), NOW) else {
            panic!("expected problems");
        };
        assert_eq!(fields_of(&problems), vec![(0, "id"), (0, "user_name"), (0, "country"), (0, "city")]);
        assert!(problems.iter().all(|p| p.reason.contains("NUL")), "{problems:?}");
    }

    #[test]
    fn proxy_country_markers_are_stored_as_unknown_and_kosovo_as_a_country() {
        let batch: Vec<Value> = ["XX", "T1", "xk", "ZZ", "Turkey"]
            .iter()
            .map(|c| json!({"type": "user_online", "channel": "web", "user_id": "u", "country": c}))
            .collect();
        let events = parse_batch(Value::Array(batch).to_string().as_bytes(), NOW).expect("never lost over a country");
        let countries: Vec<Option<&str>> = events.iter().map(|e| e.country.as_deref()).collect();
        assert_eq!(countries, [None, None, Some("XK"), None, None]);
    }

    #[test]
    fn operators_and_pages_are_kept_where_they_mean_something() {
        let body = json!([
            {"type": "message", "channel": "web", "user_id": "u", "sender": "operator", "operator_id": "ayse",
             "page_url": "https://shop.example/p?email=a@b.c"},
            {"type": "message", "channel": "web", "user_id": "u", "sender": "user", "operator_id": "ayse"},
            {"type": "widget_opened", "channel": "web", "user_id": "u", "page_url": "/pricing#plans"},
            {"type": "user_online", "channel": "web", "user_id": "u", "page_url": "/pricing"},
            {"type": "widget_opened", "channel": "web", "user_id": "u", "page_url": "mailto:a@b.c"},
        ]);
        let events = parse_batch(body.to_string().as_bytes(), NOW).unwrap();
        let kept: Vec<(Option<&str>, Option<&str>)> =
            events.iter().map(|e| (e.operator_id.as_deref(), e.page_url.as_deref())).collect();
        assert_eq!(
            kept,
            [
                (Some("ayse"), Some("https://shop.example/p")),
                (None, None),
                (None, Some("/pricing")),
                (None, None),
                (None, None)
            ]
        );
        let bad = json!({"type": "message", "channel": "web", "user_id": "u", "sender": "operator",
                         "operator_id": "", "page_url": 5});
        let Err(BatchError::Invalid(problems)) = parse_batch(bad.to_string().as_bytes(), NOW) else {
            panic!("expected problems");
        };
        assert_eq!(fields_of(&problems), vec![(0, "operator_id"), (0, "page_url")]);
    }

    #[test]
    fn socket_events_take_their_kind_from_the_event_name() {
        let value = json!({"channel": "premium", "user_id": "u", "sender": "bot", "human_mode": true});
        let event = parse_event(0, &value, Some(Kind::Message), NOW).unwrap();
        assert_eq!((event.kind, event.sender, event.human_mode), (Kind::Message, Some(Sender::Bot), true));
    }
}
