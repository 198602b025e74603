//! The one ingest path, shared by HTTP, Socket.IO and the demo simulator: commit, bring
//! the figures up to date, then signal the dashboards.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::server::db::{Db, DbError};
use crate::server::domain::event::{Channel, Event, Kind};
use crate::server::domain::time::now_ms;
use crate::server::figures::Figures;
use crate::server::live::Live;

#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    pub accepted: usize,
    pub duplicates: usize,
    /// Per event of the request: was it a duplicate?
    pub duplicate: Vec<bool>,
}

pub struct Ingestor {
    db: Db,
    figures: Arc<Figures>,
    live: Arc<Live>,
    /// One writer at a time: SQLite would otherwise refuse concurrent upgrades to a
    /// write lock, and commit order stays the order figures apply events in.
    writer: tokio::sync::Mutex<()>,
}

impl Ingestor {
    pub fn new(db: Db, figures: Arc<Figures>, live: Arc<Live>) -> Self {
        Ingestor { db, figures, live, writer: tokio::sync::Mutex::new(()) }
    }

    /// Stores valid events all-or-nothing. `Ok` only once they are committed and
    /// counted; an error means nothing of the request was stored.
    pub async fn ingest(&self, events: Vec<Event>) -> Result<Outcome, DbError> {
        let duplicate = {
            let _writing = self.writer.lock().await;
            let duplicate = self.db.insert_events(&events, now_ms()).await?;
            if let Err(error) = self.figures.catch_up().await {
                // The events are committed; the next catch-up will count them.
                tracing::warn!(%error, "figures could not catch up after a commit");
            }
            duplicate
        };
        let fresh: Vec<&Event> = events.iter().zip(&duplicate).filter(|(_, d)| !**d).map(|(e, _)| e).collect();
        self.signal(&fresh).await;
        let duplicates = duplicate.iter().filter(|d| **d).count();
        Ok(Outcome { accepted: events.len() - duplicates, duplicates, duplicate })
    }

    async fn signal(&self, fresh: &[&Event]) {
        if fresh.is_empty() {
            return;
        }
        let mut kinds: BTreeMap<Channel, BTreeSet<&'static str>> = BTreeMap::new();
        for e in fresh.iter().filter(|e| changes_figures(e.kind)) {
            kinds.entry(e.channel).or_default().insert(e.kind.as_str());
        }
        let version = self.figures.version();
        for (channel, kinds) in kinds {
            self.live.stats_changed(channel, &kinds.into_iter().collect::<Vec<_>>(), version);
        }
        self.live.events_committed(fresh).await;
    }
}

/// `user_online` changes no figure (opening the widget is not activity).
fn changes_figures(kind: Kind) -> bool {
    kind != Kind::UserOnline
}
