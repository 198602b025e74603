//! Checks every rule once a second against the live figures, on the one instance that
//! leads alerts, and moves incidents: open when a rule's reading goes above its
//! threshold, close when it comes back. The open incidents live in the database, so a
//! restart or a new leader neither repeats an open one nor forgets to close it. The
//! leader also sends the webhook calls (`webhook::Outbox`). Apart from that, every
//! instance tells its own dashboards of sessions that ended with their handover
//! unanswered.

use std::sync::Arc;
use std::time::Duration;

use super::notice::AlertNotice;
use super::webhook::Outbox;
use crate::alert_kinds::AlertKind;
use crate::server::db::{AlertRuleRow, Db, DbError, IncidentMove};
use crate::server::domain::time::{format_ms, now_ms};
use crate::server::leadership::Leadership;
use crate::server::pipeline::engine::alert_readings::AlertReadings;
use crate::server::pipeline::figures::Figures;
use crate::server::realtime::signals::Live;

/// The advisory lock naming the instance that evaluates and sends.
const ALERTS_LOCK: i64 = 0x6370_616c_6572_7473;
const EVALUATE_EVERY: Duration = Duration::from_secs(1);
/// How often the outbox is looked at while leading.
const SEND_EVERY: Duration = Duration::from_millis(250);

/// Runs alerts for as long as the process runs. While no rule is in force and no call
/// waits, nothing is held (an instance without rules keeps no database connection for
/// them); otherwise the instance holding the alerts lock checks the rules every second
/// and sends the webhook calls that are due.
pub fn spawn_alerts(db: Db, figures: Arc<Figures>, live: Arc<Live>, retry_ms: u64) {
    tokio::spawn(async move {
        let Some(outbox) = Outbox::new(db.clone(), retry_ms) else { return };
        loop {
            match db.alerts_wanted().await {
                Ok(true) => {}
                Ok(false) => {
                    tokio::time::sleep(EVALUATE_EVERY).await;
                    continue;
                }
                Err(error) => {
                    tracing::warn!(%error, "alerts could not be looked up; tried again in a second");
                    tokio::time::sleep(EVALUATE_EVERY).await;
                    continue;
                }
            }
            let mut lead = Leadership::acquire(&db, ALERTS_LOCK).await;
            let (mut evaluation, mut sending) =
                (tokio::time::interval(EVALUATE_EVERY), tokio::time::interval(SEND_EVERY));
            loop {
                tokio::select! {
                    _ = evaluation.tick() => {
                        if let Err(error) = evaluate(&db, &figures, &live, now_ms()).await {
                            tracing::warn!(%error, "alert rules could not be checked; they are checked again in a second");
                        }
                        // The lead is given up only when nothing is left to do.
                        if !outbox.busy() && matches!(db.alerts_wanted().await, Ok(false)) {
                            break;
                        }
                    }
                    _ = sending.tick() => outbox.send_due(),
                    () = lead.lost() => break,
                }
            }
        }
    });
}

/// Tells this instance's dashboards, once a second, of the sessions that ended with
/// their handover unanswered. Every instance tells its own, so each dashboard hears each
/// once, with no leader.
pub fn spawn_unanswered_notices(figures: Arc<Figures>, live: Arc<Live>) {
    tokio::spawn(async move {
        let mut told_until = now_ms();
        let mut tick = tokio::time::interval(EVALUATE_EVERY);
        loop {
            tick.tick().await;
            let now = now_ms();
            for ended in figures.closed_unanswered(told_until, now) {
                live.handover_unanswered(&ended).await;
            }
            told_until = now;
        }
    });
}

/// One pass over the rules at `now`.
pub async fn evaluate(db: &Db, figures: &Figures, live: &Live, now: i64) -> Result<(), DbError> {
    let rules = db.alert_rules().await?;
    if rules.is_empty() {
        return Ok(());
    }
    let readings = figures.alert_readings(now);
    for rule in &rules {
        if let Some(notice) = step(db, rule, &readings, now).await? {
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
    now: i64,
) -> Result<Option<AlertNotice>, DbError> {
    let open_incident = rule.open_incident;
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
