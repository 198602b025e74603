//! The notice of an alert incident's move: what dashboards and webhooks receive.

use serde::Serialize;

/// An incident's move as dashboards (`alert` socket event) and webhooks (the body)
/// receive it; `docs/api.md` documents it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlertNotice {
    pub incident_id: i64,
    pub rule_id: i64,
    pub rule: &'static str,
    pub threshold: f64,
    /// `opened` or `closed`.
    pub state: &'static str,
    /// The reading when the incident moved.
    pub value: f64,
    pub opened_at: String,
    pub closed_at: Option<String>,
}
