//! Server functions of the settings page's alerts: the rules and the delivery log as the
//! page lists them, adding a rule and removing one. Admins only.

use leptos::prelude::*;
use leptos::server_fn::codec::Postcard;

use crate::alert_kinds::AlertLists;
use crate::app::server_error::ServerError;
use crate::i18n::Locale;

/// Delivery log lines shown, newest first.
#[cfg(feature = "ssr")]
const LOG_LINES: i64 = 50;

#[server(output = Postcard, endpoint = "alerts/get_alert_lists")]
pub async fn get_alert_lists(locale: Locale) -> Result<AlertLists, ServerError> {
    let admin = crate::app::api::acting_admin().await?;
    let db = &admin.state.db;
    let unavailable = |_| ServerError::unavailable("the alerts cannot be read right now");
    let rules = db.alert_rules().await.map_err(unavailable)?;
    let deliveries = db.delivery_log(LOG_LINES).await.map_err(unavailable)?;
    Ok(crate::components::alert_lists::render(&rules, &deliveries, admin.state.figures.tz(), locale))
}

/// Adds a rule; returns its webhook's secret, if it has a webhook.
#[server(endpoint = "alerts/add_rule")]
pub async fn add_alert_rule(
    kind: String,
    threshold: String,
    webhook_url: Option<String>,
) -> Result<Option<String>, ServerError> {
    let admin = crate::app::api::acting_admin().await?;
    let url = webhook_url.unwrap_or_default();
    let threshold = rules::parse_threshold(&threshold).map_err(answer)?;
    rules::add_rule(&admin.state.db, &kind, threshold, &url).await.map(|added| added.secret).map_err(answer)
}

#[server(endpoint = "alerts/remove_rule")]
pub async fn remove_alert_rule(id: i64) -> Result<(), ServerError> {
    let admin = crate::app::api::acting_admin().await?;
    rules::remove_rule(&admin.state.db, id).await.map_err(answer)
}

#[cfg(feature = "ssr")]
use crate::server::alerts::rules::{self, RuleError};

#[cfg(feature = "ssr")]
fn answer(error: RuleError) -> ServerError {
    match error {
        RuleError::Unavailable(detail) => {
            tracing::error!(%detail, "an alert rule could not be stored");
            ServerError::unavailable(RuleError::Unavailable(detail).to_string())
        }
        RuleError::NoSuchRule => {
            ServerError::new(crate::app::server_error::ErrorCode::NotFound, RuleError::NoSuchRule.to_string())
        }
        RuleError::TooMany => {
            ServerError::new(crate::app::server_error::ErrorCode::Conflict, RuleError::TooMany.to_string())
        }
        refused => ServerError::invalid(refused.to_string()),
    }
}
