//! Follows a SQL table where another system records the chats (an N8N workflow's
//! PostgreSQL table): reads its whole history a page at a time, then new rows as they
//! land — polled every second, at once on a `NOTIFY`, and chased right after a widget
//! server announces a message.
//!
//! Every page goes through the ingest writer with the source's new cursor, which is
//! committed in the same transaction as the page's events: a crash at any moment neither
//! loses nor counts twice a row. With several instances, the one leading lock
//! `FOLLOW_LOCK` follows; the others stand by.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use tokio::sync::Notify;

use super::sql_rows::{read_row, QueryShapeError};
use super::{retry_delay, Sources};
use crate::model::{SourceRefusalCount, SourceState};
use crate::server::config::SqlSourceConfig;
use crate::server::db::{Db, SourceAdvance};
use crate::server::domain::event::Event;
use crate::server::domain::time::now_ms;
use crate::server::leadership::Leadership;
use crate::server::pipeline::ingest::{Ingestor, Signals, Source};

/// The source's name in statuses, metrics and stored cursors; its events' ids are
/// stored as `sql:<id>`.
pub const NAME: &str = "sql";
/// The advisory lock whose holder follows ("chatsql1").
const FOLLOW_LOCK: i64 = 0x6368_6174_7371_6c31;
/// New rows are looked for at least this often.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// A page that takes longer is abandoned and read again (a cut network may never answer).
const PAGE_TIMEOUT: Duration = Duration::from_secs(60);
/// After a widget server announces a message, its row is chased — looked for every
/// `CHASE_EVERY` — for `CHASE_FOR`, then the regular poll takes over. The announcement
/// often comes before the writer (N8N) has committed the row.
const CHASE_FOR: Duration = Duration::from_millis(2500);
const CHASE_EVERY: Duration = Duration::from_millis(25);
/// How often the backfill's progress is logged.
const PROGRESS_EVERY: Duration = Duration::from_secs(5);

/// Wakes the follower: a `NOTIFY` arrived, or a widget server announced a message whose
/// row should be read as soon as it is committed.
#[derive(Clone, Default)]
pub struct FollowerWake {
    notify: Arc<Notify>,
    /// A message was announced: chase its row rather than wait for the next poll.
    announced: Arc<AtomicBool>,
}

impl FollowerWake {
    /// A new row is there: read now.
    pub fn row_landed(&self) {
        self.notify.notify_one();
    }

    /// A row is on its way (a widget server announced the message it records): read now,
    /// and keep reading shortly after until it has landed.
    pub fn row_announced(&self) {
        self.announced.store(true, Ordering::Release);
        self.notify.notify_one();
    }
}

pub struct SqlFollower {
    pub config: SqlSourceConfig,
    pub db: Db,
    pub ingestor: Arc<Ingestor>,
    pub sources: Sources,
    pub wake: FollowerWake,
}

#[derive(Debug, thiserror::Error)]
enum FollowError {
    #[error("cannot reach the source database: {0}")]
    Source(#[source] sqlx::Error),
    #[error("{0}")]
    Query(#[from] QueryShapeError),
    #[error("the source query took longer than {}s", PAGE_TIMEOUT.as_secs())]
    Timeout,
    #[error("cannot store what was read: {0}")]
    Store(String),
}

impl SqlFollower {
    /// Follows for as long as the process runs: leads, reads, and after any failure
    /// retries with backoff from the stored cursor.
    pub fn spawn(self) {
        tokio::spawn(async move {
            self.sources.set_state(NAME, SourceState::Starting, None);
            self.load_status().await;
            loop {
                self.sources.set_state(
                    NAME,
                    SourceState::Standby,
                    Some("waiting to lead: one instance follows at a time".into()),
                );
                let mut lead = Leadership::acquire(&self.db, FOLLOW_LOCK).await;
                tokio::select! {
                    () = lead.lost() => {}
                    () = self.follow_with_retries() => {}
                }
            }
        });
    }

    async fn follow_with_retries(&self) {
        let mut attempt = 0;
        loop {
            let started = Instant::now();
            let Err(error) = self.follow().await;
            tracing::warn!(source = NAME, %error, "the SQL source cannot be followed; retrying");
            self.sources.set_state(NAME, SourceState::Down, Some(error.to_string()));
            // A connection that worked for a while starts the backoff over.
            attempt = if started.elapsed() > Duration::from_secs(60) { 0 } else { attempt + 1 };
            tokio::time::sleep(retry_delay(attempt)).await;
        }
    }

    /// Reads pages until something fails; returns only with the failure.
    async fn follow(&self) -> Result<std::convert::Infallible, FollowError> {
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(Duration::from_secs(5))
            .connect(self.config.url.expose())
            .await
            .map_err(FollowError::Source)?;
        let listening = match &self.config.notify {
            Some(channel) => Some(self.listen(&pool, channel).await?),
            None => None,
        };
        let _stop_listening = listening.map(AbortOnDrop);
        let wrapped = wrap_query(&self.config.query);
        let stored = self.db.source_position(NAME).await.map_err(|e| FollowError::Store(e.to_string()))?;
        let mut cursor = stored.map(|p| p.cursor).unwrap_or_default();
        let mut backfill = Backfill::start(&cursor);
        self.sources.set_state(NAME, SourceState::Backfilling, Some(backfill.describe()));
        let mut chase: Option<Instant> = None;
        let mut rows = read_page(&pool, &wrapped, &cursor).await?;
        loop {
            if rows.is_empty() {
                if let Some(done) = backfill.take_finished() {
                    tracing::info!(source = NAME, "{done}");
                    self.sources.set_state(NAME, SourceState::Following, None);
                }
                chase = self.wait_for_rows(chase).await;
                rows = read_page(&pool, &wrapped, &cursor).await?;
                continue;
            }
            let page = page_events(&rows, &cursor)?;
            let signals = if backfill.done { Signals::EachEvent } else { Signals::FiguresOnly };
            let next_cursor = page.advance.cursor.clone();
            // The next page is read while this one is committed: the source database and
            // the writer work at once. Both are awaited even when one fails, so that
            // following starts over from a stored cursor no commit is about to move.
            let (committed, next) =
                tokio::join!(self.commit_page(page, signals), read_page(&pool, &wrapped, &next_cursor));
            committed?;
            let next = next?;
            if let Some(progress) = backfill.page_read(rows.len(), &next_cursor) {
                tracing::info!(source = NAME, "{progress}");
                self.sources.set_state(NAME, SourceState::Backfilling, Some(progress));
            }
            (cursor, rows) = (next_cursor, next);
        }
    }

    /// Commits a page's events with its last cursor; counts what was read and refused.
    async fn commit_page(&self, page: Page, signals: Signals) -> Result<(), FollowError> {
        let Page { events, advance } = page;
        self.ingestor
            .ingest_advancing(Source::Followed(NAME), events, Some(advance.clone()), signals)
            .await
            .map_err(|e| FollowError::Store(e.to_string()))?;
        self.sources.update(NAME, |status| {
            status.read += advance.rows;
            status.cursor = Some(advance.cursor.clone());
        });
        for (reason, cursor) in advance.refused {
            self.sources.count_refusal(NAME, reason, cursor);
        }
        Ok(())
    }

    /// Waits for the next poll, a `NOTIFY` or an announcement; while chasing an announced
    /// row (until the returned instant), only `CHASE_EVERY`.
    async fn wait_for_rows(&self, chase: Option<Instant>) -> Option<Instant> {
        let chasing = chase.filter(|until| Instant::now() < *until);
        let wait = if chasing.is_some() { CHASE_EVERY } else { POLL_EVERY };
        let woken = tokio::time::timeout(wait, self.wake.notify.notified()).await.is_ok();
        if woken && self.wake.announced.swap(false, Ordering::AcqRel) {
            return Some(Instant::now() + CHASE_FOR);
        }
        chasing
    }

    /// Listens on the `NOTIFY` channel in a task of its own, waking the follower at each
    /// notification. The task ends (and the follower reconnects) if the listener fails.
    async fn listen(&self, pool: &PgPool, channel: &str) -> Result<tokio::task::JoinHandle<()>, FollowError> {
        let mut listener = PgListener::connect_with(pool).await.map_err(FollowError::Source)?;
        listener.listen(channel).await.map_err(FollowError::Source)?;
        let wake = self.wake.clone();
        Ok(tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(_) => wake.row_landed(),
                    Err(error) => {
                        tracing::warn!(source = NAME, %error, "the NOTIFY listener stopped; polling goes on");
                        return;
                    }
                }
            }
        }))
    }

    /// The stored counts and refusals, so that the status survives a restart.
    async fn load_status(&self) {
        let position = self.db.source_position(NAME).await.ok().flatten();
        let refusals = self.db.source_refusals(NAME).await.unwrap_or_default();
        self.sources.update(NAME, |status| {
            if let Some(position) = position {
                status.read = position.rows_read;
                status.refused = position.refused;
                status.cursor = Some(position.cursor);
            }
            status.refusals = refusals
                .into_iter()
                .map(|r| SourceRefusalCount { reason: r.reason, count: r.count as u64, last: r.last_cursor })
                .collect();
        });
    }
}

/// The source query as chatpulse runs it: each row as one JSON object, so that any
/// column type (`serial`, `uuid`, `timestamptz`, `jsonb`) arrives in one known form.
fn wrap_query(query: &str) -> String {
    let query = query.trim().trim_end_matches(';');
    format!("SELECT row_to_json(source_row)::text FROM ({query}) AS source_row")
}

/// One page of the source query's rows, after `cursor`.
async fn read_page(pool: &PgPool, wrapped: &str, cursor: &str) -> Result<Vec<String>, FollowError> {
    tokio::time::timeout(PAGE_TIMEOUT, sqlx::query_scalar::<_, String>(wrapped).bind(cursor).fetch_all(pool))
        .await
        .map_err(|_| FollowError::Timeout)?
        .map_err(FollowError::Source)
}

/// A page turned into events, with the source's position after it.
struct Page {
    events: Vec<Event>,
    advance: SourceAdvance,
}

/// Reads a page's rows (which follow `cursor`) into events and refusals.
fn page_events(rows: &[String], cursor: &str) -> Result<Page, FollowError> {
    let now = now_ms();
    let mut events = Vec::with_capacity(rows.len());
    let mut advance = SourceAdvance {
        source: NAME.to_string(),
        from: cursor.to_string(),
        rows: rows.len() as u64,
        ..Default::default()
    };
    for text in rows {
        let row = read_row(text, now)?;
        if row.cursor == cursor {
            return Err(QueryShapeError::NoProgress(row.cursor).into());
        }
        match row.event {
            Ok(event) => events.push(event),
            Err(reason) => advance.refused.push((reason, row.cursor.clone())),
        }
        advance.cursor = row.cursor;
    }
    Ok(Page { events, advance })
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The backfill's progress, until the first empty page.
struct Backfill {
    started: Instant,
    rows: u64,
    last_logged: Instant,
    done: bool,
}

impl Backfill {
    fn start(cursor: &str) -> Backfill {
        let now = Instant::now();
        tracing::info!(
            source = NAME,
            cursor = if cursor.is_empty() { "(start)" } else { cursor },
            "reading the SQL source's history"
        );
        Backfill { started: now, rows: 0, last_logged: now, done: false }
    }

    fn describe(&self) -> String {
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        format!("{} rows read in {:.1} s ({:.0} rows/s)", self.rows, seconds, self.rows as f64 / seconds)
    }

    /// Counts a page; returns a progress line when one is due.
    fn page_read(&mut self, rows: usize, cursor: &str) -> Option<String> {
        if self.done {
            return None;
        }
        self.rows += rows as u64;
        (self.last_logged.elapsed() >= PROGRESS_EVERY).then(|| {
            self.last_logged = Instant::now();
            format!("backfilling: {}, cursor {cursor}", self.describe())
        })
    }

    /// The closing line, the first time the source has no more rows.
    fn take_finished(&mut self) -> Option<String> {
        (!self.done).then(|| {
            self.done = true;
            format!("backfill finished: {}; following new rows", self.describe())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_is_wrapped_whole_with_its_trailing_semicolon_dropped() {
        assert_eq!(
            wrap_query("select id as cursor from t where id > $1::bigint limit 10;\n"),
            "SELECT row_to_json(source_row)::text FROM (select id as cursor from t where id > $1::bigint limit 10) \
             AS source_row"
        );
    }
}
