//! The one ingest path, shared by HTTP, Socket.IO and the demo simulator: commit, bring
//! the figures up to date, then signal the dashboards.
//!
//! One writer task commits for everyone. Requests that arrive while it is writing wait
//! in a queue and are committed together in the next transaction (group commit): each
//! request still succeeds or fails as a whole, and is acknowledged only once committed.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::server::db::{Db, DbError, SourceAdvance};
use crate::server::domain::event::Event;
use crate::server::domain::time::now_ms;
use crate::server::metrics::Metrics;
use crate::server::pipeline::engine::StoredEvent;
use crate::server::pipeline::figures::Figures;
use crate::server::realtime::signals::Live;

/// Requests waiting for the writer before senders are slowed down.
const QUEUE: usize = 4096;
/// Events committed in one transaction at most.
const GROUP_EVENTS: usize = 5000;

#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    pub accepted: usize,
    pub duplicates: usize,
}

struct Request {
    events: Vec<Event>,
    /// A followed source's new position, committed with the events or not at all.
    advance: Option<SourceAdvance>,
    signals: Signals,
    reply: oneshot::Sender<Result<Vec<bool>, Arc<DbError>>>,
}

/// Which live signals a commit sends besides `stats_update`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signals {
    /// Live traffic: a signal per event (`new_message`, `user_online`, …) and the
    /// milestones (`session_started`, `human_takeover`).
    EachEvent,
    /// History being backfilled: only `stats_update`. An open dashboard need not hear of
    /// a year of messages and sessions one by one (each would be a toast).
    FiguresOnly,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{0}")]
    Database(Arc<DbError>),
    #[error("the ingest writer has stopped")]
    Stopped,
}

/// Who sends events. Event ids are idempotency keys *per source*: the same id from two
/// keys is two events, so one client cannot claim another's ids in advance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// An ingest key, over HTTP or Socket.IO alike.
    Key(i64),
    /// The demo simulator.
    Demo,
    /// `chatpulse import`.
    Import,
    /// A followed source (a SQL table, a widget server's announcements), by its name.
    Followed(&'static str),
}

impl Source {
    /// Puts the source's namespace before each event's id, as ids are stored.
    pub fn claim(self, events: &mut [Event]) {
        for event in events {
            event.id = event.id.as_deref().map(|id| match self {
                Source::Key(key) => format!("k{key}:{id}"),
                Source::Demo => format!("demo:{id}"),
                Source::Import => format!("import:{id}"),
                Source::Followed(name) => format!("{name}:{id}"),
            });
        }
    }
}

pub struct Ingestor {
    queue: mpsc::Sender<Request>,
    metrics: Arc<Metrics>,
}

impl Ingestor {
    /// Starts the writer task; it runs while the `Ingestor` lives.
    pub fn start(db: Db, figures: Arc<Figures>, live: Arc<Live>, metrics: Arc<Metrics>) -> Self {
        let (queue, requests) = mpsc::channel(QUEUE);
        tokio::spawn(Writer { db, figures, live }.run(requests));
        Ingestor { queue, metrics }
    }

    /// Stores valid events all-or-nothing. `Ok` only once they are committed and
    /// counted; an error means nothing of the request was stored.
    pub async fn ingest(&self, source: Source, events: Vec<Event>) -> Result<Outcome, IngestError> {
        self.ingest_advancing(source, events, None, Signals::EachEvent).await
    }

    /// As `ingest`, moving a followed source's cursor in the same transaction, with the
    /// given live signals.
    pub async fn ingest_advancing(
        &self,
        source: Source,
        mut events: Vec<Event>,
        advance: Option<SourceAdvance>,
        signals: Signals,
    ) -> Result<Outcome, IngestError> {
        source.claim(&mut events);
        let (reply, answer) = oneshot::channel();
        self.queue.send(Request { events, advance, signals, reply }).await.map_err(|_| IngestError::Stopped)?;
        let duplicate = answer.await.map_err(|_| IngestError::Stopped)?.map_err(IngestError::Database)?;
        let duplicates = duplicate.iter().filter(|d| **d).count();
        self.metrics.events_stored(duplicate.len() - duplicates, duplicates);
        Ok(Outcome { accepted: duplicate.len() - duplicates, duplicates })
    }
}

/// What a group's insert committed.
#[derive(Default)]
struct GroupCommit {
    /// Per event of the stored requests: whether it was a duplicate.
    duplicate: Vec<bool>,
    /// When the group went in as one commit: the `seq` before it and its fresh events as
    /// stored, which the figures apply without reading them back.
    as_one: Option<(i64, Vec<StoredEvent>)>,
}

struct Writer {
    db: Db,
    figures: Arc<Figures>,
    live: Arc<Live>,
}

impl Writer {
    async fn run(self, mut requests: mpsc::Receiver<Request>) {
        while let Some(first) = requests.recv().await {
            let mut group = vec![first];
            let mut size = group[0].events.len();
            while size < GROUP_EVENTS {
                match requests.try_recv() {
                    Ok(next) => {
                        size += next.events.len();
                        group.push(next);
                    }
                    Err(_) => break,
                }
            }
            self.commit(group).await;
        }
    }

    #[tracing::instrument(name = "ingest_commit", level = "debug", skip_all, fields(requests = group.len()))]
    async fn commit(&self, group: Vec<Request>) {
        // Until our own catch-up has applied them, no other catch-up may: whoever
        // applies events announces them, and ours must reach every instance.
        let committing = self.figures.committing().await;
        let (group, events, committed) = self.insert_group(group).await;
        if group.is_empty() {
            return;
        }
        // Milestones are told unless the whole group is history being backfilled.
        let milestones = group.iter().any(|r| r.signals == Signals::EachEvent);
        if let Err(error) = self.figures.apply_own_commit(committed.as_one, milestones).await {
            // The events are committed; the next catch-up will count them.
            tracing::warn!(%error, "figures could not catch up after a commit");
        }
        let duplicate = committed.duplicate;
        drop(committing);
        let mut fresh: Vec<Event> = Vec::new();
        let mut first = 0;
        for request in group {
            let range = first..first + request.events.len();
            first = range.end;
            if request.signals == Signals::EachEvent {
                fresh.extend(
                    events[range.clone()]
                        .iter()
                        .zip(&duplicate[range.clone()])
                        .filter(|(_, d)| !**d)
                        .map(|(e, _)| e.clone()),
                );
            }
            let _ = request.reply.send(Ok(duplicate[range].to_vec()));
        }
        self.signal(fresh);
    }

    /// Inserts the group's events in one transaction. Should that fail, each request is
    /// tried alone, so that one client's events the database refuses never fail another
    /// client's request. Returns the requests that were stored, their events and what
    /// was committed; the others have been answered with their error.
    async fn insert_group(&self, group: Vec<Request>) -> (Vec<Request>, Vec<Event>, GroupCommit) {
        let events: Vec<Event> = group.iter().flat_map(|r| r.events.iter().cloned()).collect();
        let advances: Vec<SourceAdvance> = group.iter().filter_map(|r| r.advance.clone()).collect();
        let error = match self.db.insert_events(&events, &advances, now_ms(), true).await {
            Ok(committed) => {
                let as_one = Some((committed.after_seq, committed.stored(&events)));
                return (group, events, GroupCommit { duplicate: committed.duplicate, as_one });
            }
            Err(error) => error,
        };
        if group.len() == 1 {
            let _ = group.into_iter().next().map(|request| request.reply.send(Err(Arc::new(error))));
            return (Vec::new(), Vec::new(), GroupCommit::default());
        }
        tracing::warn!(%error, requests = group.len(), "a group commit failed; trying each request alone");
        let (mut stored, mut events, mut duplicate) = (Vec::new(), Vec::new(), Vec::new());
        for request in group {
            // Several commits: the figures catch up from the database, so no seqs.
            match self.db.insert_events(&request.events, request.advance.as_slice(), now_ms(), false).await {
                Ok(committed) => {
                    events.extend(request.events.iter().cloned());
                    duplicate.extend(committed.duplicate);
                    stored.push(request);
                }
                Err(error) => {
                    let _ = request.reply.send(Err(Arc::new(error)));
                }
            }
        }
        // Several commits: the figures catch up from the database.
        (stored, events, GroupCommit { duplicate, as_one: None })
    }

    /// The per-event signals of this instance's fresh events; `stats_update` goes out
    /// from the figures' published move (`FiguresMoved`).
    fn signal(&self, fresh: Vec<Event>) {
        if !fresh.is_empty() {
            self.live.events_committed(fresh);
        }
    }
}
