//! Deleting events for good — one visitor's on request, or everything older than the
//! retention — with an audit row, and the marks that make every instance rebuild.
//!
//! A deletion bumps the settings row's `revision` (the data version grows, dashboards
//! refetch) and its `data_epoch` (every instance following the row rebuilds its
//! figures without the deleted events), and raises `seq_floor` to the newest `seq`
//! stored before it, so that a rebuilt engine's data version never goes backwards.

use super::events::WRITE_LOCK_KEY;
use super::{on_pool, Db, DbError};

/// What one deletion removes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deletion<'a> {
    /// One visitor's events: in one channel (its code), or in both.
    Visitor { channel: Option<i64>, user_id: &'a str },
    /// Every event that happened before this instant.
    Before { at_ms: i64 },
}

/// One row of the audit: who deleted what, when, and how much — never the visitor's id,
/// only its SHA-256, so the row itself holds no personal data yet proves a given id's
/// erasure.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ErasureRow {
    pub id: i64,
    pub at_ms: i64,
    pub actor: String,
    pub kind: String,
    pub channel: Option<i64>,
    pub subject_sha256: Option<String>,
    pub events_deleted: i64,
}

impl Db {
    /// Deletes what `deletion` names, writes the audit row and the rebuild marks, all in
    /// one transaction; returns the number of events deleted. A retention pass that finds
    /// nothing to delete changes nothing (no audit row, no rebuild).
    pub async fn delete_events(
        &self,
        deletion: &Deletion<'_>,
        actor: &str,
        subject_sha256: Option<&str>,
        now_ms: i64,
    ) -> Result<u64, DbError> {
        on_pool!(self, pool => {
            let mut tx = if self.is_postgres() { pool.begin().await? } else { pool.begin_with("BEGIN IMMEDIATE").await? };
            if self.is_postgres() {
                // The ingest writers' lock: seq order stays commit order around the floor.
                sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(WRITE_LOCK_KEY).execute(&mut *tx).await?;
            }
            let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM events").fetch_one(&mut *tx).await?;
            let deleted = match deletion {
                Deletion::Visitor { channel: Some(channel), user_id } => {
                    sqlx::query("DELETE FROM events WHERE user_id = $1 AND channel = $2")
                        .bind(*user_id).bind(*channel).execute(&mut *tx).await?.rows_affected()
                }
                Deletion::Visitor { channel: None, user_id } => {
                    sqlx::query("DELETE FROM events WHERE user_id = $1").bind(*user_id).execute(&mut *tx).await?.rows_affected()
                }
                Deletion::Before { at_ms } => {
                    sqlx::query("DELETE FROM events WHERE at_ms < $1").bind(*at_ms).execute(&mut *tx).await?.rows_affected()
                }
            };
            let is_visitor = matches!(deletion, Deletion::Visitor { .. });
            if deleted == 0 && !is_visitor {
                tx.rollback().await?;
                return Ok(0);
            }
            if deleted > 0 {
                let marks = "UPDATE settings SET revision = revision + 1, data_epoch = data_epoch + 1, \
                             seq_floor = CASE WHEN seq_floor > $1 THEN seq_floor ELSE $1 END WHERE id = 1";
                sqlx::query(marks).bind(newest.unwrap_or(0)).execute(&mut *tx).await?;
            }
            let (kind, channel) = match deletion {
                Deletion::Visitor { channel, .. } => ("visitor", *channel),
                Deletion::Before { .. } => ("retention", None),
            };
            let audit = "INSERT INTO erasures (at_ms, actor, kind, channel, subject_sha256, events_deleted) \
                         VALUES ($1, $2, $3, $4, $5, $6)";
            sqlx::query(audit)
                .bind(now_ms).bind(actor).bind(kind).bind(channel).bind(subject_sha256).bind(deleted as i64)
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(deleted)
        })
    }

    /// The audit, newest first.
    pub async fn erasures(&self, limit: i64) -> Result<Vec<ErasureRow>, DbError> {
        let sql = "SELECT id, at_ms, actor, kind, channel, subject_sha256, events_deleted FROM erasures \
                   ORDER BY id DESC LIMIT $1";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(limit).fetch_all(pool).await)?)
    }
}
