//! Adding and removing alert rules, with the checks that keep a bad rule out.

use crate::alert_kinds::AlertKind;
use crate::server::auth::hashing::new_token;
use crate::server::db::{Db, DbError};
use crate::server::domain::time::now_ms;

const LONGEST_URL: usize = 2048;
/// Rules in force at most: each is checked every second.
pub const MAX_RULES: usize = 100;

/// Why a rule was refused; every message is safe to show.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("unknown rule kind; expected one of queue_wait_minutes, unanswered_handovers_last_hour, handover_rate_last_hour, no_events_minutes, online_now")]
    UnknownKind,
    #[error("{0}")]
    BadThreshold(String),
    #[error("the webhook URL must be an http:// or https:// URL of at most 2048 characters")]
    BadUrl,
    #[error("no such rule")]
    NoSuchRule,
    #[error("at most 100 rules may be in force; remove one first")]
    TooMany,
    #[error("the database is unavailable; nothing was changed, try again")]
    Unavailable(#[from] DbError),
}

/// A threshold as typed: a number, with a decimal point or comma.
pub fn parse_threshold(text: &str) -> Result<f64, RuleError> {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .map_err(|_| RuleError::BadThreshold("threshold must be a number".into()))
}

/// A new rule's id, and its webhook secret when it has a webhook.
#[derive(Debug, PartialEq, Eq)]
pub struct AddedRule {
    pub id: i64,
    pub secret: Option<String>,
}

/// Stores a rule; a webhook gets a fresh secret that signs its calls.
pub async fn add_rule(db: &Db, kind: &str, threshold: f64, webhook_url: &str) -> Result<AddedRule, RuleError> {
    let kind = AlertKind::parse(kind.trim()).ok_or(RuleError::UnknownKind)?;
    if let Some(problem) = kind.threshold_problem(threshold) {
        return Err(RuleError::BadThreshold(problem));
    }
    let url = webhook_url.trim();
    let secret = if url.is_empty() {
        None
    } else if is_webhook_url(url) {
        Some(new_token("whsec_"))
    } else {
        return Err(RuleError::BadUrl);
    };
    if db.alert_rules().await?.len() >= MAX_RULES {
        return Err(RuleError::TooMany);
    }
    let webhook = secret.as_deref().map(|secret| (url, secret));
    let id = db.insert_alert_rule(kind.code(), threshold, webhook, now_ms()).await?;
    tracing::info!(id, kind = kind.code(), threshold, webhook = webhook.is_some(), "an alert rule was added");
    Ok(AddedRule { id, secret })
}

pub async fn remove_rule(db: &Db, id: i64) -> Result<(), RuleError> {
    if db.remove_alert_rule(id, now_ms()).await? {
        tracing::info!(id, "an alert rule was removed");
        Ok(())
    } else {
        Err(RuleError::NoSuchRule)
    }
}

fn is_webhook_url(text: &str) -> bool {
    text.len() <= LONGEST_URL
        && reqwest::Url::parse(text)
            .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_numbers_with_either_decimal_mark() {
        assert_eq!(parse_threshold(" 12,5 ").unwrap(), 12.5);
        assert_eq!(parse_threshold("5").unwrap(), 5.0);
        assert!(parse_threshold("five").is_err());
    }

    #[test]
    fn only_http_urls_with_a_host_are_webhooks() {
        assert!(is_webhook_url("https://hooks.example.com/chatpulse?team=1"));
        assert!(is_webhook_url("http://127.0.0.1:9000/"));
        for bad in ["ftp://example.com/", "javascript:alert(1)", "https://", "/relative", "file:///etc/passwd"] {
            assert!(!is_webhook_url(bad), "{bad}");
        }
        assert!(!is_webhook_url(&format!("https://example.com/{}", "a".repeat(LONGEST_URL))));
    }
}
