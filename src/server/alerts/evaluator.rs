//! Checks every rule once a second against the live figures, on the one instance that
//! leads alerts, and moves incidents: open when a rule's reading goes above its
//! threshold, close when it comes back. The open incidents live in the database, so a
//! restart or a new leader neither repeats an open one nor forgets to close it. The
//! same pass tells dashboards of sessions that ended with their handover unanswered.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::alert_kinds::AlertKind;
use crate::server::db::{AlertRuleRow, Db, DbError, IncidentMove};
use crate::server::domain::time::{format_ms, now_ms};
use crate::server::leadership::Leadership;
use crate::server::pipeline::engine::alert_readings::AlertReadings;
use crate::server::pipeline::figures::Figures;
use crate::server::realtime::signals::Live;

/// The advisory lock naming the instance that evaluates.
const ALERTS_LOCK: i64 = 0x6370_616c_6572_7473;
const EVALUATE_EVERY: Duration = Duration::from_secs(1);

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

/// Evaluates for as long as the process runs, on the instance that leads alerts.
pub fn spawn_evaluator(db: Db, figures: Arc<Figures>, live: Arc<Live>) {
    tokio::spawn(async move {
        loop {
            let mut lead = Leadership::acquire(&db, ALERTS_LOCK).await;
            // Sessions that ended before this instance led were told by the last leader.
            let mut told_until = now_ms();
            let mut tick = tokio::time::interval(EVALUATE_EVERY);
            loop {
                tokio::select! {
                    _ = tick.tick() => {
                        let now = now_ms();
                        for ended in figures.closed_unanswered(told_until, now) {
                            live.handover_unanswered(&ended).await;
                        }
                        told_until = now;
                        if let Err(error) = evaluate(&db, &figures, &live, now).await {
                            tracing::warn!(%error, "alert rules could not be checked; they are checked again in a second");
                        }
                    }
                    () = lead.lost() => break,
                }
            }
        }
    });
}

/// One pass over the rules at `now`.
pub async fn evaluate(db: &Db, figures: &Figures, live: &Live, now: i64) -> Result<(), DbError> {
    let rules = db.alert_rules().await?;
    if rules.is_empty() {
        return Ok(());
    }
    let open: HashMap<i64, i64> = db.open_incidents().await?.into_iter().map(|i| (i.rule_id, i.id)).collect();
    let readings = figures.alert_readings(now);
    for rule in &rules {
        if let Some(notice) = step(db, rule, &readings, open.get(&rule.id).copied(), now).await? {
            tracing::info!(rule = rule.id, kind = notice.rule, state = notice.state, value = notice.value, "alert");
            live.alert(&notice).await;
        }
    }
    Ok(())
}

/// Opens or closes the rule's incident if its reading says so; the notice of the move,
/// if this call made one.
async fn step(
    db: &Db,
    rule: &AlertRuleRow,
    readings: &AlertReadings,
    open_incident: Option<i64>,
    now: i64,
) -> Result<Option<AlertNotice>, DbError> {
    let Some(kind) = AlertKind::parse(&rule.kind) else { return Ok(None) };
    let reading = readings.value(kind);
    let firing = reading.is_some_and(|value| value > rule.threshold);
    let value = reading.unwrap_or(0.0);
    let (state, opened_ms) = match (firing, open_incident) {
        (true, None) => ("opened", now),
        (false, Some(_)) => ("closed", rule.firing_since_ms.unwrap_or(now)),
        _ => return Ok(None),
    };
    let notice = |incident_id| AlertNotice {
        incident_id,
        rule_id: rule.id,
        rule: kind.code(),
        threshold: rule.threshold,
        state,
        value,
        opened_at: format_ms(opened_ms),
        closed_at: (state == "closed").then(|| format_ms(now)),
    };
    let payload = |id| serde_json::to_string(&notice(id)).unwrap_or_default();
    let moved = IncidentMove {
        rule_id: rule.id,
        at_ms: now,
        value,
        webhook_url: rule.webhook_url.as_deref(),
        payload: &payload,
    };
    let moved_incident = match open_incident {
        None => db.open_incident(&moved).await?,
        Some(id) => db.close_incident(id, &moved).await?.then_some(id),
    };
    Ok(moved_incident.map(notice))
}
