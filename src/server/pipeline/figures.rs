//! The figures service: owns the engine, keeps it in step with the database, and hands
//! out `Stats` snapshots that are computed once per data version and shared by every
//! reader asking the same question in the same second. Each way the figures move
//! (events applied, settings served, the database gone or back) is published once, as
//! a `FiguresMoved`, to the realtime side: the one source of `stats_update`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use bytes::Bytes;
use parking_lot::RwLock;
use tokio::sync::mpsc;

use crate::conversation_figures::{OperatorsPage, PagesList};
use crate::model::{Settings, Stats};
use crate::server::db::{Db, DbError};
use crate::server::domain::event::{Channel, Kind};
use crate::server::pipeline::checkpoint::restore::{self, Resume};
use crate::server::pipeline::engine::query::StatsQuery;
use crate::server::pipeline::engine::{Engine, Milestone, StoredEvent};
use crate::server::pipeline::shared_cache::SharedCache;

/// Events read per round trip while catching up.
const CATCH_UP_PAGE: i64 = 10_000;

/// One computed document, with its JSON made at most once.
pub struct Snapshot {
    pub stats: Stats,
    json: OnceLock<Bytes>,
}

impl Snapshot {
    pub fn json(&self) -> Bytes {
        self.json.get_or_init(|| Bytes::from(serde_json::to_vec(&self.stats).expect("Stats serializes"))).clone()
    }
}

/// Where rebuilding the figures stands, for `/metrics`.
pub struct RebuildProgress {
    pub running: usize,
    /// Rebuilds started since the server started (finished, failed or superseded).
    pub started: u64,
    pub events_loaded: u64,
    pub last_seconds: f64,
}

/// What one catch-up applied: the events, the milestones among them, the version after.
#[derive(Debug, Default)]
struct CaughtUp {
    events: Vec<StoredEvent>,
    milestones: Vec<Milestone>,
    version: u64,
}

/// How the figures moved, as published to the realtime side (`Figures::take_moves`).
#[derive(Debug)]
pub enum FiguresMoved {
    /// Events were applied: per channel whose figures changed, the kinds of event that
    /// changed them, and the milestones among them. `own`: this instance committed
    /// them (and announces them to every instance); otherwise they were caught up from
    /// the database, committed elsewhere.
    Applied { own: bool, version: u64, changed: Vec<(Channel, Vec<&'static str>)>, milestones: Vec<Milestone> },
    /// New settings serve: every channel's figures may have changed.
    Settings { version: u64 },
    /// The database stopped, or started again, answering.
    Database { answers: bool, version: u64 },
}

impl FiguresMoved {
    fn applied(caught: CaughtUp, own: bool) -> FiguresMoved {
        let mut changed: BTreeMap<Channel, BTreeSet<&'static str>> = BTreeMap::new();
        for stored in caught.events.iter().filter(|s| changes_figures(s.event.kind)) {
            changed.entry(stored.event.channel).or_default().insert(stored.event.kind.as_str());
        }
        let changed = changed.into_iter().map(|(channel, kinds)| (channel, kinds.into_iter().collect())).collect();
        FiguresMoved::Applied { own, version: caught.version, changed, milestones: caught.milestones }
    }
}

/// `user_online` changes no figure (opening the widget is not activity).
fn changes_figures(kind: Kind) -> bool {
    kind != Kind::UserOnline
}

pub struct Figures {
    db: Db,
    engine: RwLock<Engine>,
    /// Engines swapped in by rebuilds so far: a checkpoint taken across a swap is void.
    swaps: AtomicU64,
    /// Where the engine's checkpoint is kept, if anywhere (`checkpoint`).
    checkpoint: Option<PathBuf>,
    /// The sequence of the checkpoint the first engine was restored from, if it was.
    restored_checkpoint: Option<i64>,
    /// Serializes catch-up and the swap after a rebuild, so events apply in order once.
    sync: tokio::sync::Mutex<()>,
    cache: SharedCache<StatsQuery, Snapshot>,
    /// The settings revision the newest requested rebuild will serve.
    rebuild_revision: AtomicI64,
    rebuilds_running: AtomicUsize,
    /// The settings revisions waiting for a rebuild to serve them.
    rebuilt_waiters: parking_lot::Mutex<Vec<i64>>,
    /// Events the current (or last) rebuild has read, and how long the last one took.
    rebuild_loaded: AtomicU64,
    rebuild_last_ms: AtomicU64,
    rebuilds_started: AtomicU64,
    computations: AtomicU64,
    /// Held by this instance's ingest writer from its insert to its own catch-up, so that
    /// no other catch-up applies (and leaves unannounced) this instance's commits.
    commit_gate: tokio::sync::RwLock<()>,
    /// When the latest completed catch-up began: a reader who asked before that moment
    /// is served by it and needs no round trip of its own.
    last_catch_up_began: parking_lot::Mutex<Option<Instant>>,
    moves: mpsc::UnboundedSender<FiguresMoved>,
    /// Until the realtime side takes it.
    moves_received: parking_lot::Mutex<Option<mpsc::UnboundedReceiver<FiguresMoved>>>,
}

impl Figures {
    /// Builds the engine with the stored settings: from the checkpoint at `checkpoint`
    /// and the events after it when it fits the database, otherwise from every event.
    pub async fn load(db: Db, checkpoint: Option<PathBuf>) -> Result<Figures, DbError> {
        let loaded = AtomicU64::new(0);
        let (engine, restored_checkpoint) = build_engine(&db, &loaded, checkpoint.as_deref()).await?;
        let (moves, moves_received) = mpsc::unbounded_channel();
        Ok(Figures {
            db,
            engine: RwLock::new(engine),
            swaps: AtomicU64::new(0),
            checkpoint,
            restored_checkpoint,
            sync: tokio::sync::Mutex::new(()),
            cache: SharedCache::default(),
            rebuild_revision: AtomicI64::new(0),
            rebuilds_running: AtomicUsize::new(0),
            rebuilt_waiters: parking_lot::Mutex::default(),
            rebuild_loaded: loaded,
            rebuild_last_ms: AtomicU64::new(0),
            rebuilds_started: AtomicU64::new(0),
            computations: AtomicU64::new(0),
            commit_gate: tokio::sync::RwLock::new(()),
            last_catch_up_began: parking_lot::Mutex::new(None),
            moves,
            moves_received: parking_lot::Mutex::new(Some(moves_received)),
        })
    }

    pub fn version(&self) -> u64 {
        self.engine.read().version()
    }

    /// Runs `read` under the engine's read lock, with the count of engines swapped in
    /// so far: two reads with the same count saw the same engine.
    pub fn read_engine<T>(&self, read: impl FnOnce(&Engine) -> T) -> (u64, T) {
        let engine = self.engine.read();
        (self.swaps.load(Ordering::SeqCst), read(&engine))
    }

    /// The sequence of the checkpoint the figures were first built from, if they were.
    pub fn restored_checkpoint(&self) -> Option<i64> {
        self.restored_checkpoint
    }

    pub fn settings(&self) -> Settings {
        self.engine.read().settings().clone()
    }

    /// The configured time zone.
    pub fn tz(&self) -> chrono_tz::Tz {
        self.engine.read().tz()
    }

    /// The first instant with data, where the "all" range starts.
    pub fn earliest(&self) -> Option<i64> {
        self.engine.read().earliest()
    }

    pub fn rebuild_progress(&self) -> RebuildProgress {
        RebuildProgress {
            running: self.rebuilds_running.load(Ordering::SeqCst),
            started: self.rebuilds_started.load(Ordering::Relaxed),
            events_loaded: self.rebuild_loaded.load(Ordering::Relaxed),
            last_seconds: self.rebuild_last_ms.load(Ordering::Relaxed) as f64 / 1000.0,
        }
    }

    /// How many documents were computed (not served from the snapshot cache).
    pub fn computations(&self) -> u64 {
        self.computations.load(Ordering::Relaxed)
    }

    /// The moves published from now on, for the one subscriber (`None` once taken).
    pub fn take_moves(&self) -> Option<mpsc::UnboundedReceiver<FiguresMoved>> {
        self.moves_received.lock().take()
    }

    fn publish(&self, moved: FiguresMoved) {
        // Without a subscriber (a test's figures alone) nobody is told.
        let _ = self.moves.send(moved);
    }

    /// The database stopped or started answering: open dashboards should refetch.
    pub fn database_answers(&self, answers: bool) {
        tracing::info!(answers, "the database availability changed");
        self.publish(FiguresMoved::Database { answers, version: self.version() });
    }

    /// Applies this instance's own commit and publishes it as its own, with its
    /// milestones unless `milestones` is false (history being backfilled). `in_memory`
    /// is the commit as one transaction stored it: the `seq` before it and its fresh
    /// events. They are applied as they are when every event up to that `seq` is applied
    /// and none of them is, for they are then exactly what a catch-up would read.
    /// Otherwise (several commits, or another instance's commit not applied yet) it
    /// catches up from the database. Each event is applied, and so published, once.
    #[tracing::instrument(level = "debug", skip_all, fields(in_memory = in_memory.is_some()))]
    pub async fn apply_own_commit(
        &self,
        in_memory: Option<(i64, Vec<StoredEvent>)>,
        milestones: bool,
    ) -> Result<(), DbError> {
        let _in_order = self.sync.lock().await;
        let applied = self.engine.read().applied_seq();
        let follows_on = |(after_seq, committed): &(i64, Vec<StoredEvent>)| {
            applied >= *after_seq && committed.first().is_none_or(|stored| applied < stored.seq)
        };
        let mut caught = match in_memory.filter(follows_on) {
            Some((_, committed)) => {
                let found = self.engine.write().apply(&committed);
                CaughtUp { events: committed, milestones: found, version: self.version() }
            }
            None => self.apply_new_events().await?,
        };
        if !milestones {
            caught.milestones.clear();
        }
        self.publish(FiguresMoved::applied(caught, true));
        Ok(())
    }

    /// The ingest writer holds this from its insert to its catch-up.
    pub async fn committing(&self) -> tokio::sync::RwLockWriteGuard<'_, ()> {
        self.commit_gate.write().await
    }

    /// A catch-up on behalf of a reader (or the background) who asked at `asked`: it
    /// waits out a commit of this instance in flight, and makes no round trip when a
    /// catch-up that began after `asked` has completed meanwhile. What it applies was
    /// committed elsewhere, and is published so.
    pub async fn catch_up_since(&self, asked: Instant) -> Result<(), DbError> {
        let _settled = self.commit_gate.read().await;
        let _in_order = self.sync.lock().await;
        if self.last_catch_up_began.lock().is_some_and(|began| began >= asked) {
            return Ok(());
        }
        let caught = self.apply_new_events().await?;
        if !caught.events.is_empty() {
            self.publish(FiguresMoved::applied(caught, false));
        }
        Ok(())
    }

    #[tracing::instrument(level = "debug", name = "catch_up", skip_all, fields(applied_seq = self.engine.read().applied_seq()))]
    async fn apply_new_events(&self) -> Result<CaughtUp, DbError> {
        let began = Instant::now();
        let mut caught = CaughtUp::default();
        loop {
            let after = self.engine.read().applied_seq();
            let page = self.db.events_after(after, CATCH_UP_PAGE).await?;
            let full = page.len() as i64 == CATCH_UP_PAGE;
            let milestones = self.engine.write().apply(&page);
            caught.milestones.extend(milestones);
            caught.events.extend(page);
            if !full {
                caught.version = self.version();
                *self.last_catch_up_began.lock() = Some(began);
                return Ok(caught);
            }
        }
    }

    /// The document for `query` at the current version, computed at most once per
    /// version and second however many readers ask at once.
    #[tracing::instrument(level = "debug", skip_all, fields(channel = ?query.channel, from = query.from, to = query.to))]
    pub async fn stats(&self, query: StatsQuery, now_ms: i64) -> Arc<Snapshot> {
        let version = self.version();
        self.cache
            .get_or_compute(query, version, now_ms, |query| async move {
                self.computations.fetch_add(1, Ordering::Relaxed);
                let stats = self.engine.read().stats(&query, now_ms);
                Snapshot { stats, json: OnceLock::new() }
            })
            .await
    }

    /// The operators table of a range, paged and sorted.
    pub fn operators(&self, query: &StatsQuery, sort: crate::conversation_figures::OperatorSort) -> OperatorsPage {
        self.engine.read().operators(query, sort)
    }

    /// What the alert rules watch, at `now`.
    pub fn alert_readings(&self, now: i64) -> super::engine::alert_readings::AlertReadings {
        self.engine.read().alert_readings(now)
    }

    /// The sessions that ended in `(after, now]` with their handover unanswered.
    pub fn closed_unanswered(&self, after: i64, now: i64) -> Vec<super::engine::alert_readings::UnansweredHandover> {
        self.engine.read().closed_unanswered(after, now)
    }

    /// The busiest pages of a range where chats start.
    pub fn pages(&self, query: &StatsQuery) -> PagesList {
        self.engine.read().pages(query)
    }

    /// The first `limit` session rows of a range, newest first, and how many it holds,
    /// for the CSV export.
    pub fn session_rows(&self, mut query: StatsQuery, limit: u64) -> (Vec<crate::model::SessionRow>, u64) {
        query.page = 1;
        query.per_page = limit.max(1);
        let page = self.engine.read().stats(&query, crate::server::domain::time::now_ms()).sessions_page;
        (page.rows, page.total)
    }

    /// Stores new settings. A change of the session rules rebuilds every session in the
    /// background while reads go on with the old figures; `FiguresMoved::Settings` is
    /// published when the new figures serve.
    pub async fn change_settings(self: &Arc<Self>, settings: Settings) -> Result<(), DbError> {
        let revision = self.db.save_settings(&settings).await?;
        // A deletion this instance has not followed yet is found by the next
        // `adopt_stored_settings`, which compares the epochs.
        let epoch = self.engine.read().data_epoch();
        self.follow_settings(settings, revision, epoch);
        Ok(())
    }

    /// Follows settings (and deletions) another instance stored, if they are newer
    /// than these figures' (one query); published when the figures serve them.
    pub async fn adopt_stored_settings(self: &Arc<Self>) -> Result<(), DbError> {
        let stored = self.db.load_settings().await?;
        let (known, epoch) = {
            let engine = self.engine.read();
            (self.rebuild_revision.load(Ordering::SeqCst).max(engine.settings_revision()), engine.data_epoch())
        };
        // Events deleted (here or elsewhere) that these figures still count, with no
        // rebuild on its way to drop them.
        let deleted_since = stored.data_epoch != epoch && self.rebuilds_running.load(Ordering::SeqCst) == 0;
        if stored.revision > known || deleted_since {
            tracing::info!(revision = stored.revision, "following the stored settings and deletions");
            self.follow_settings(stored.settings, stored.revision, stored.data_epoch);
        }
        Ok(())
    }

    fn follow_settings(self: &Arc<Self>, settings: Settings, revision: i64, data_epoch: i64) {
        self.rebuild_revision.store(revision, Ordering::SeqCst);
        let in_place = {
            let mut engine = self.engine.write();
            // While a rebuild runs, the engine's rules are about to change: only a new
            // rebuild can apply even a view-only change on top of it.
            // Deleted events are dropped only by a rebuild.
            let same_data = engine.data_epoch() == data_epoch;
            if engine.same_rules(&settings) && same_data && self.rebuilds_running.load(Ordering::SeqCst) == 0 {
                engine.set_view_settings(settings, revision);
                Some(engine.version())
            } else {
                None
            }
        };
        match in_place {
            Some(version) => self.publish(FiguresMoved::Settings { version }),
            None => {
                // One rebuild at a time: changes made while one runs are served by one
                // more, for the newest revision, not by a rebuild each.
                let start = {
                    let mut waiters = self.rebuilt_waiters.lock();
                    waiters.push(revision);
                    self.rebuilds_running.swap(1, Ordering::SeqCst) == 0
                };
                if start {
                    let figures = self.clone();
                    tokio::spawn(async move { figures.rebuild_until_current().await });
                }
            }
        }
    }

    /// Rebuilds for the newest requested revision until every waiter is served.
    async fn rebuild_until_current(self: Arc<Self>) {
        loop {
            let revision = self.rebuild_revision.load(Ordering::SeqCst);
            let served = match self.rebuild(revision).await {
                Ok(Some(version)) => Some(version),
                Ok(None) => {
                    tracing::info!(revision, "a newer settings change superseded this rebuild");
                    None
                }
                Err(error) => {
                    // Nobody is told; the next settings change tries again.
                    tracing::error!(%error, "rebuilding the figures failed");
                    self.rebuilt_waiters.lock().clear();
                    None
                }
            };
            let (ready, done) = {
                let mut waiters = self.rebuilt_waiters.lock();
                let before = waiters.len();
                waiters.retain(|asked| served.is_none() || *asked > revision);
                let done = waiters.is_empty();
                if done {
                    self.rebuilds_running.store(0, Ordering::SeqCst);
                }
                (waiters.len() < before, done)
            };
            if let (Some(version), true) = (served, ready) {
                self.publish(FiguresMoved::Settings { version });
            }
            if done {
                break;
            }
        }
    }

    /// Builds a new engine from the database and swaps it in, unless a newer settings
    /// change has been requested meanwhile.
    #[tracing::instrument(skip(self))]
    async fn rebuild(&self, revision: i64) -> Result<Option<u64>, DbError> {
        let started = std::time::Instant::now();
        self.rebuilds_started.fetch_add(1, Ordering::Relaxed);
        self.rebuild_loaded.store(0, Ordering::Relaxed);
        let (mut fresh, _) = build_engine(&self.db, &self.rebuild_loaded, self.checkpoint.as_deref()).await?;
        let _in_order = self.sync.lock().await;
        if self.rebuild_revision.load(Ordering::SeqCst) != revision || fresh.settings_revision() != revision {
            return Ok(None);
        }
        loop {
            let page = self.db.events_after(fresh.applied_seq(), CATCH_UP_PAGE).await?;
            if page.is_empty() {
                break;
            }
            fresh.apply(&page);
        }
        let version = fresh.version();
        let old = {
            let mut engine = self.engine.write();
            self.swaps.fetch_add(1, Ordering::SeqCst);
            std::mem::replace(&mut *engine, fresh)
        };
        // Dropped outside the lock: taking apart millions of records is no reader's wait.
        tokio::task::spawn_blocking(move || {
            drop(old);
            crate::server::memory::give_back_freed_memory();
        });
        let elapsed_ms = started.elapsed().as_millis() as u64;
        self.rebuild_last_ms.store(elapsed_ms, Ordering::Relaxed);
        tracing::info!(revision, elapsed_ms, "figures rebuilt");
        Ok(Some(version))
    }
}

/// A fresh engine with the stored settings, and the sequence of the checkpoint it
/// started from, if one fitted.
async fn build_engine(
    db: &Db,
    loaded: &AtomicU64,
    checkpoint: Option<&Path>,
) -> Result<(Engine, Option<i64>), DbError> {
    let stored = db.load_settings().await?;
    let empty = || {
        let mut loader = Engine::bulk_loader(stored.settings.clone(), stored.revision);
        loader.after_deletions(stored.data_epoch, stored.seq_floor);
        loader
    };
    let (mut loader, resume) = match checkpoint {
        None => (empty(), None),
        Some(path) => match restore::restore(path, db, stored.data_epoch, empty()).await {
            (loader, Ok(resume)) => (loader, resume),
            (_, Err(refused)) => {
                tracing::warn!(path = %path.display(), reason = %refused, "checkpoint ignored: building the figures from every stored event");
                (empty(), None)
            }
        },
    };
    let restored = resume.as_ref().map(|resume| resume.after_seq);
    if let Some(seq) = restored {
        tracing::info!(path = ?checkpoint, applied_seq = seq, "checkpoint restored: reading the events after it");
    }
    let Resume { mut after_seq, extras } = resume.unwrap_or_default();
    loop {
        let mut page = db.events_after(after_seq, CATCH_UP_PAGE * 5).await?;
        let Some(last) = page.last() else { break };
        after_seq = last.seq;
        loaded.fetch_add(page.len() as u64, Ordering::Relaxed);
        page.retain(|stored| !extras.contains(&stored.seq));
        loader.record(page);
    }
    Ok((loader.finish(), restored))
}
