//! Alert rules, their incidents, and the webhook outbox that is also the delivery log.
//! An incident and its delivery are written in one transaction, and the one-open-
//! incident-per-rule index makes a second opener a no-op: an incident fires once.

use super::{on_pool, Db, DbError};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct AlertRuleRow {
    pub id: i64,
    pub kind: String,
    pub threshold: f64,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    pub created_ms: i64,
    /// Its open incident and when it opened, if it has one.
    pub open_incident: Option<i64>,
    pub firing_since_ms: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct OpenIncidentRow {
    pub id: i64,
    pub rule_id: i64,
    pub opened_ms: i64,
}

/// A delivery that is due, with what signing and sending it takes.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct DueDelivery {
    pub id: i64,
    pub url: String,
    pub payload: String,
    pub attempts: i32,
    pub secret: Option<String>,
}

/// One line of the delivery log.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct DeliveryLogRow {
    pub id: i64,
    pub incident_id: i64,
    pub event: String,
    pub url: String,
    pub status: String,
    pub attempts: i32,
    pub last_http_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_ms: i64,
    pub kind: String,
    pub threshold: f64,
}

/// What became of one attempt to send a delivery.
#[derive(Clone, Debug, PartialEq)]
pub struct AttemptResult {
    pub status: &'static str,
    pub attempts: i32,
    pub next_attempt_ms: i64,
    pub http_status: Option<i32>,
    pub error: Option<String>,
    pub finished_ms: Option<i64>,
}

/// An incident's move, as the transaction that stores it needs it.
pub struct IncidentMove<'a> {
    pub rule_id: i64,
    pub at_ms: i64,
    pub value: f64,
    /// The rule's webhook; with it, a delivery is queued in the same transaction.
    pub webhook_url: Option<&'a str>,
    /// The delivery's body, given the incident's id.
    pub payload: &'a (dyn Fn(i64) -> String + Sync),
}

const QUEUE_DELIVERY: &str = "INSERT INTO alert_deliveries \
     (incident_id, rule_id, event, url, payload, status, attempts, next_attempt_ms, created_ms) \
     VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)";

impl Db {
    pub async fn insert_alert_rule(
        &self,
        kind: &str,
        threshold: f64,
        webhook: Option<(&str, &str)>,
        now_ms: i64,
    ) -> Result<i64, DbError> {
        let sql = "INSERT INTO alert_rules (kind, threshold, webhook_url, webhook_secret, created_ms) \
                   VALUES ($1, $2, $3, $4, $5) RETURNING id";
        Ok(on_pool!(self, pool => sqlx::query_scalar(sql)
            .bind(kind)
            .bind(threshold)
            .bind(webhook.map(|w| w.0))
            .bind(webhook.map(|w| w.1))
            .bind(now_ms)
            .fetch_one(pool)
            .await)?)
    }

    /// Removes a rule and closes its open incident without telling anyone: the admin
    /// who removed it knows. Says whether there was such a rule.
    pub async fn remove_alert_rule(&self, id: i64, now_ms: i64) -> Result<bool, DbError> {
        let remove = "UPDATE alert_rules SET removed_ms = $2 WHERE id = $1 AND removed_ms IS NULL";
        let close = "UPDATE alert_incidents SET closed_ms = $2 WHERE rule_id = $1 AND closed_ms IS NULL";
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let removed = sqlx::query(remove).bind(id).bind(now_ms).execute(&mut *tx).await?.rows_affected();
            sqlx::query(close).bind(id).bind(now_ms).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(removed == 1)
        })
    }

    /// Whether alerts have work: a rule in force, or a call waiting to be sent.
    pub async fn alerts_wanted(&self) -> Result<bool, DbError> {
        let sql = "SELECT EXISTS (SELECT 1 FROM alert_rules WHERE removed_ms IS NULL) \
                   OR EXISTS (SELECT 1 FROM alert_deliveries WHERE status = 'pending')";
        Ok(on_pool!(self, pool => sqlx::query_scalar(sql).fetch_one(pool).await)?)
    }

    /// The rules in force, oldest first, each with its open incident's start.
    pub async fn alert_rules(&self) -> Result<Vec<AlertRuleRow>, DbError> {
        let sql = "SELECT r.id, r.kind, r.threshold, r.webhook_url, r.webhook_secret, r.created_ms, \
                   i.id AS open_incident, i.opened_ms AS firing_since_ms FROM alert_rules r \
                   LEFT JOIN alert_incidents i ON i.rule_id = r.id AND i.closed_ms IS NULL \
                   WHERE r.removed_ms IS NULL ORDER BY r.id";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?)
    }

    pub async fn open_incidents(&self) -> Result<Vec<OpenIncidentRow>, DbError> {
        let sql = "SELECT id, rule_id, opened_ms FROM alert_incidents WHERE closed_ms IS NULL";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?)
    }

    /// Opens an incident of the rule unless one is open; returns the new incident's id.
    pub async fn open_incident(&self, m: &IncidentMove<'_>) -> Result<Option<i64>, DbError> {
        let sql = "INSERT INTO alert_incidents (rule_id, opened_ms, opened_value) VALUES ($1, $2, $3) \
                   ON CONFLICT (rule_id) WHERE closed_ms IS NULL DO NOTHING RETURNING id";
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: Option<i64> = sqlx::query_scalar(sql)
                .bind(m.rule_id)
                .bind(m.at_ms)
                .bind(m.value)
                .fetch_optional(&mut *tx)
                .await?;
            if let (Some(id), Some(url)) = (id, m.webhook_url) {
                sqlx::query(QUEUE_DELIVERY)
                    .bind(id).bind(m.rule_id).bind("opened").bind(url).bind((m.payload)(id)).bind(m.at_ms)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Closes an open incident; says whether this call closed it.
    pub async fn close_incident(&self, incident_id: i64, m: &IncidentMove<'_>) -> Result<bool, DbError> {
        let sql = "UPDATE alert_incidents SET closed_ms = $2, closed_value = $3 WHERE id = $1 AND closed_ms IS NULL";
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let closed = sqlx::query(sql).bind(incident_id).bind(m.at_ms).bind(m.value).execute(&mut *tx).await?;
            let closed = closed.rows_affected() == 1;
            if let (true, Some(url)) = (closed, m.webhook_url) {
                sqlx::query(QUEUE_DELIVERY)
                    .bind(incident_id).bind(m.rule_id).bind("closed").bind(url).bind((m.payload)(incident_id)).bind(m.at_ms)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(closed)
        })
    }

    /// Pending deliveries whose time has come, oldest first.
    pub async fn due_deliveries(&self, now_ms: i64, limit: i64) -> Result<Vec<DueDelivery>, DbError> {
        let sql = "SELECT d.id, d.url, d.payload, d.attempts, r.webhook_secret AS secret FROM alert_deliveries d \
                   JOIN alert_rules r ON r.id = d.rule_id \
                   WHERE d.status = 'pending' AND d.next_attempt_ms <= $1 ORDER BY d.next_attempt_ms, d.id LIMIT $2";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(now_ms).bind(limit).fetch_all(pool).await)?)
    }

    pub async fn record_attempt(&self, id: i64, result: &AttemptResult) -> Result<(), DbError> {
        let sql = "UPDATE alert_deliveries SET status = $2, attempts = $3, next_attempt_ms = $4, \
                   last_http_status = $5, last_error = $6, finished_ms = $7 WHERE id = $1";
        on_pool!(self, pool => sqlx::query(sql)
            .bind(id)
            .bind(result.status)
            .bind(result.attempts)
            .bind(result.next_attempt_ms)
            .bind(result.http_status)
            .bind(result.error.as_deref())
            .bind(result.finished_ms)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The newest `limit` deliveries, newest first, with their rule.
    pub async fn delivery_log(&self, limit: i64) -> Result<Vec<DeliveryLogRow>, DbError> {
        let sql = "SELECT d.id, d.incident_id, d.event, d.url, d.status, d.attempts, d.last_http_status, \
                   d.last_error, d.created_ms, r.kind, r.threshold FROM alert_deliveries d \
                   JOIN alert_rules r ON r.id = d.rule_id ORDER BY d.id DESC LIMIT $1";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(limit).fetch_all(pool).await)?)
    }
}
