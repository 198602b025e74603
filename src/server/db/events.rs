//! Writing events all-or-nothing with idempotency by `id`, and reading them back in
//! commit order.

use std::collections::HashSet;

use super::cursors::{SourceAdvance, ADVANCE_CURSOR, COUNT_REFUSAL};
use super::{on_pool, Db, DbError};
use crate::server::domain::event::{Channel, Event, Kind, Sender};
use crate::server::pipeline::engine::StoredEvent;

/// An arbitrary constant naming the PostgreSQL advisory lock that serializes writers
/// across instances, so that `seq` order is commit order for every reader.
pub(super) const WRITE_LOCK_KEY: i64 = 0x6368_6174_7075_6c73;
/// Rows per INSERT: 13 parameters each stays under both dialects' limits.
const INSERT_CHUNK: usize = 500;

#[derive(sqlx::FromRow)]
pub struct EventRow {
    seq: i64,
    event_id: Option<String>,
    kind: i64,
    channel: i64,
    user_id: String,
    at_ms: i64,
    sender: Option<i64>,
    human_mode: bool,
    user_name: Option<String>,
    country: Option<String>,
    city: Option<String>,
    operator_id: Option<String>,
    page_url: Option<String>,
}

impl EventRow {
    fn into_stored(self) -> Option<StoredEvent> {
        Some(StoredEvent {
            seq: self.seq,
            event: Event {
                id: self.event_id,
                kind: Kind::from_code(self.kind)?,
                channel: Channel::from_code(self.channel)?,
                user_id: self.user_id,
                at_ms: self.at_ms,
                sender: self.sender.and_then(Sender::from_code),
                human_mode: self.human_mode,
                user_name: self.user_name,
                country: self.country,
                city: self.city,
                operator_id: self.operator_id,
                page_url: self.page_url,
            },
        })
    }
}

/// One stored event's identity: see `Db::event_anchor`.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
pub struct EventAnchor {
    pub seq: i64,
    pub at_ms: i64,
    pub kind: i64,
    pub channel: i64,
    pub user_id: String,
}

const SELECT_EVENTS: &str = "SELECT seq, event_id, kind, channel, user_id, at_ms, sender, human_mode, user_name, \
                             country, city, operator_id, page_url FROM events WHERE seq > $1 ORDER BY seq LIMIT $2";

/// What one `insert_events` committed.
#[derive(Debug, Default)]
pub struct Committed {
    /// Per event given: whether it was a duplicate (its `id` stored already, or earlier
    /// in the batch).
    pub duplicate: Vec<bool>,
    /// The highest `seq` stored before this commit (0 unless seqs were asked for).
    /// Writers hold the write lock, so no other commit falls between it and `seqs`.
    pub after_seq: i64,
    /// The `seq` of each fresh event, in the order given (empty unless asked for).
    pub seqs: Vec<i64>,
}

impl Committed {
    /// The fresh events as stored, for applying them without reading them back.
    pub fn stored(&self, events: &[Event]) -> Vec<StoredEvent> {
        let fresh = events.iter().zip(&self.duplicate).filter(|(_, dup)| !**dup).map(|(e, _)| e);
        fresh.zip(&self.seqs).map(|(event, &seq)| StoredEvent { seq, event: event.clone() }).collect()
    }
}

impl Db {
    /// Stores every event not stored before in one transaction, with the sources'
    /// `advances` (their cursors move only if the events land). With `numbered`, reports
    /// each fresh event's `seq` (the ingest writer applies them from memory); import,
    /// which does not need them, saves their transfer (about a tenth of its time on
    /// SQLite).
    pub async fn insert_events(
        &self,
        events: &[Event],
        advances: &[SourceAdvance],
        received_ms: i64,
        numbered: bool,
    ) -> Result<Committed, DbError> {
        on_pool!(self, pool => {
            // SQLite: take the write lock up front. A deferred transaction that read first
            // fails with SQLITE_BUSY_SNAPSHOT when another write commits before its own.
            let mut tx = if self.is_postgres() { pool.begin().await? } else { pool.begin_with("BEGIN IMMEDIATE").await? };
            if self.is_postgres() {
                sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(WRITE_LOCK_KEY).execute(&mut *tx).await?;
            }
            let ids: Vec<&str> = events.iter().filter_map(|e| e.id.as_deref()).collect();
            let mut seen: HashSet<String> = HashSet::new();
            for chunk in ids.chunks(INSERT_CHUNK) {
                let mut query = sqlx::QueryBuilder::new("SELECT event_id FROM events WHERE event_id IN (");
                let mut list = query.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                query.push(")");
                let found: Vec<String> = query.build_query_scalar().fetch_all(&mut *tx).await?;
                seen.extend(found);
            }
            let duplicates: Vec<bool> = events
                .iter()
                .map(|e| e.id.as_ref().is_some_and(|id| !seen.insert(id.clone())))
                .collect();
            let fresh: Vec<&Event> = events.iter().zip(&duplicates).filter(|(_, dup)| !**dup).map(|(e, _)| e).collect();
            let after_seq: i64 = if numbered {
                sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM events").fetch_one(&mut *tx).await?
            } else {
                0
            };
            let mut seqs = Vec::with_capacity(fresh.len());
            for chunk in fresh.chunks(INSERT_CHUNK) {
                let mut query = sqlx::QueryBuilder::new(
                    "INSERT INTO events (event_id, kind, channel, user_id, at_ms, sender, human_mode, user_name, country, city, operator_id, page_url, received_ms) ",
                );
                query.push_values(chunk, |mut row, e| {
                    row.push_bind(e.id.clone())
                        .push_bind(e.kind as i64)
                        .push_bind(e.channel as i64)
                        .push_bind(e.user_id.clone())
                        .push_bind(e.at_ms)
                        .push_bind(e.sender.map(|s| s as i64))
                        .push_bind(e.human_mode)
                        .push_bind(e.user_name.clone())
                        .push_bind(e.country.clone())
                        .push_bind(e.city.clone())
                        .push_bind(e.operator_id.clone())
                        .push_bind(e.page_url.clone())
                        .push_bind(received_ms);
                });
                if !numbered {
                    query.build().execute(&mut *tx).await?;
                    continue;
                }
                query.push(" RETURNING seq");
                // Both dialects number the rows of one INSERT in the order given; the
                // order RETURNING lists them in is not promised, so they are sorted.
                let mut given: Vec<i64> = query.build_query_scalar().fetch_all(&mut *tx).await?;
                given.sort_unstable();
                seqs.extend(given);
            }
            for advance in advances {
                let moved = sqlx::query(ADVANCE_CURSOR)
                    .bind(&advance.source)
                    .bind(&advance.cursor)
                    .bind(advance.rows as i64)
                    .bind(advance.refused.len() as i64)
                    .bind(received_ms)
                    .bind(&advance.from)
                    .execute(&mut *tx)
                    .await?;
                if moved.rows_affected() != 1 {
                    // Dropping the transaction rolls the batch back.
                    return Err(DbError::SourceMoved(advance.source.clone()));
                }
                for (reason, (count, cursor)) in advance.refusals_by_reason() {
                    sqlx::query(COUNT_REFUSAL)
                        .bind(&advance.source)
                        .bind(reason)
                        .bind(count)
                        .bind(cursor)
                        .bind(received_ms)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            Ok(Committed { duplicate: duplicates, after_seq, seqs })
        })
    }

    /// Up to `limit` events committed after `seq`, in commit order.
    pub async fn events_after(&self, seq: i64, limit: i64) -> Result<Vec<StoredEvent>, DbError> {
        let rows: Vec<EventRow> =
            on_pool!(self, pool => sqlx::query_as(SELECT_EVENTS).bind(seq).bind(limit).fetch_all(pool).await)?;
        Ok(rows.into_iter().filter_map(EventRow::into_stored).collect())
    }

    /// The newest event at or before `seq`, as `(seq, at_ms, kind, channel, user_id)`:
    /// what a checkpoint taken at `seq` must find again to belong to this database.
    pub async fn event_anchor(&self, seq: i64) -> Result<Option<EventAnchor>, DbError> {
        const SELECT_ANCHOR: &str = "SELECT seq, at_ms, kind, channel, user_id FROM events \
                                     WHERE seq <= $1 ORDER BY seq DESC LIMIT 1";
        Ok(on_pool!(self, pool => sqlx::query_as(SELECT_ANCHOR).bind(seq).fetch_optional(pool).await)?)
    }

    /// Every stored event, read in pages.
    pub async fn all_events(&self) -> Result<Vec<StoredEvent>, DbError> {
        const PAGE: i64 = 50_000;
        let mut all = Vec::new();
        loop {
            let after = all.last().map_or(0, |e: &StoredEvent| e.seq);
            let page = self.events_after(after, PAGE).await?;
            let done = (page.len() as i64) < PAGE;
            all.extend(page);
            if done {
                return Ok(all);
            }
        }
    }
}
