//! The settings page's alert rules (with their state and webhook secret) and the
//! webhook delivery log, rendered on the server in the viewer's language.

use chrono_tz::Tz;
use leptos::prelude::*;

use crate::alert_kinds::{rule_words, AlertLists};
use crate::components::access_lists::{ListTable, RowButton};
use crate::i18n::{fill, Locale, Text};
use crate::server::db::{AlertRuleRow, DeliveryLogRow};
use crate::server::pipeline::engine::calendar::local_minute;
use crate::server::present::fragment::html_of;

pub fn render(rules: &[AlertRuleRow], deliveries: &[DeliveryLogRow], tz: Tz, locale: Locale) -> AlertLists {
    let when = move |ms: i64| locale.date_time(&local_minute(tz, ms));
    let rules_html = if rules.is_empty() {
        html_of(view! { <p class="muted">{Text::NoRules.get(locale)}</p> })
    } else {
        let rows = rules.iter().map(|rule| rule_row(rule, when, locale)).collect_view();
        let headers = &[Text::AlertRule, Text::Webhook, Text::SourceState, Text::Created];
        html_of(view! { <ListTable headers locale>{rows}</ListTable> })
    };
    let deliveries_html = if deliveries.is_empty() {
        html_of(view! { <p class="muted">{Text::NoDeliveries.get(locale)}</p> })
    } else {
        let rows = deliveries.iter().map(|delivery| delivery_row(delivery, when, locale)).collect_view();
        let headers =
            &[Text::Created, Text::AlertRule, Text::Incident, Text::DeliveryStatus, Text::Attempts, Text::LastAnswer];
        html_of(view! { <ListTable headers locale>{rows}</ListTable> })
    };
    AlertLists { rules_html, deliveries_html }
}

fn rule_row(rule: &AlertRuleRow, when: impl Fn(i64) -> String, locale: Locale) -> impl IntoView {
    let webhook = match (&rule.webhook_url, &rule.webhook_secret) {
        (Some(url), Some(secret)) => view! {
            <code class="wrap">{url.clone()}</code>
            <details>
                <summary>{Text::WebhookSecret.get(locale)}</summary>
                <code data-webhook-secret="">{secret.clone()}</code>
            </details>
        }
        .into_any(),
        _ => view! { <span class="muted">{Text::ToastOnly.get(locale)}</span> }.into_any(),
    };
    let (state, state_text) = match rule.firing_since_ms {
        Some(since) => ("firing", fill(Text::AlertFiring.get(locale), &[&when(since)])),
        None => ("quiet", Text::AlertQuiet.get(locale).to_string()),
    };
    view! {
        <tr data-rule-id=rule.id data-rule-kind=rule.kind.clone() data-rule-state=state>
            <td>{rule_words(&rule.kind, rule.threshold, locale)}</td>
            <td>{webhook}</td>
            <td class=state>{state_text}</td>
            <td>{when(rule.created_ms)}</td>
            <td>
                <RowButton action="/api/alerts/remove_rule" name="id" value=rule.id.to_string() label=Text::Remove.get(locale) />
            </td>
        </tr>
    }
}

fn delivery_row(delivery: &DeliveryLogRow, when: impl Fn(i64) -> String, locale: Locale) -> impl IntoView {
    let event = if delivery.event == "opened" { Text::IncidentOpened } else { Text::IncidentClosed };
    let status = match delivery.status.as_str() {
        "delivered" => Text::DeliveryDelivered,
        "pending" => Text::DeliveryPending,
        _ => Text::DeliveryFailed,
    };
    let answer = match (delivery.last_http_status, &delivery.last_error) {
        (Some(code), _) => format!("HTTP {code}"),
        (None, Some(error)) => error.clone(),
        (None, None) => "—".to_string(),
    };
    view! {
        <tr data-delivery-id=delivery.id data-delivery-status=delivery.status.clone() data-delivery-event=delivery.event.clone()>
            <td>{when(delivery.created_ms)}</td>
            <td>{rule_words(&delivery.kind, delivery.threshold, locale)}</td>
            <td>"#" {delivery.incident_id} " " {event.get(locale)}</td>
            <td>{status.get(locale)}</td>
            <td>{delivery.attempts}</td>
            <td><span class="wrap">{answer}</span></td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_show_their_words_state_and_secret_and_the_log_its_answers() {
        let rule = AlertRuleRow {
            id: 3,
            kind: "queue_wait_minutes".into(),
            threshold: 5.0,
            webhook_url: Some("https://hooks.example.com/<x>".into()),
            webhook_secret: Some("whsec_abc".into()),
            created_ms: 0,
            open_incident: Some(4),
            firing_since_ms: Some(60_000),
        };
        let delivery = DeliveryLogRow {
            id: 9,
            incident_id: 4,
            event: "opened".into(),
            url: "https://hooks.example.com/".into(),
            status: "pending".into(),
            attempts: 2,
            last_http_status: Some(500),
            last_error: None,
            created_ms: 0,
            kind: "handover_rate_last_hour".into(),
            threshold: 12.5,
        };
        let lists = render(&[rule], &[delivery], Tz::UTC, Locale::En);
        assert!(lists.rules_html.contains("Longest wait for a person above 5 min"), "{}", lists.rules_html);
        assert!(lists.rules_html.contains(r#"data-rule-state="firing""#), "{}", lists.rules_html);
        assert!(lists.rules_html.contains("&lt;x&gt;") && lists.rules_html.contains("whsec_abc"));
        assert!(lists.rules_html.contains(r#"action="/api/alerts/remove_rule""#));
        assert!(lists.deliveries_html.contains("HTTP 500"), "{}", lists.deliveries_html);
        assert!(lists.deliveries_html.contains("above 12.5 %"), "{}", lists.deliveries_html);
        let empty = render(&[], &[], Tz::UTC, Locale::Tr);
        assert!(empty.rules_html.contains("Henüz kural yok"));
    }
}
