//! Pushes committed changes to `/dashboard` sockets: one event per committed widget
//! event, and `stats_update` coalesced to at most one per channel every 100 ms. The
//! figures' moves (`FiguresMoved`) arrive on one channel, read by one task here: the one
//! place `stats_update` is sent from.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use serde::Serialize;

use super::fanout::Fanout;
use super::{stats_rooms, DASHBOARD_NS};
use crate::server::domain::event::{Channel, Event, Kind};
use crate::server::domain::time::{format_ms, now_ms};
use crate::server::pipeline::engine::alert_readings::UnansweredHandover;
use crate::server::pipeline::engine::Milestone;
use crate::server::pipeline::engine::MilestoneKind;
use crate::server::pipeline::figures::FiguresMoved;

const COALESCE: Duration = Duration::from_millis(100);

#[derive(Serialize)]
struct StatsUpdate<'a> {
    channel: &'a str,
    version: u64,
    kinds: Vec<&'static str>,
    at: String,
}

#[derive(Serialize)]
struct MessageSignal<'a> {
    channel: &'a str,
    user_id: &'a str,
    sender: &'a str,
    human_mode: bool,
    at: String,
}

#[derive(Serialize)]
struct UserSignal<'a> {
    channel: &'a str,
    user_id: &'a str,
    at: String,
}

#[derive(Serialize)]
struct MilestoneSignal<'a> {
    channel: &'a str,
    user_id: &'a str,
    user_name: Option<&'a str>,
    at: String,
}

#[derive(Default)]
struct Pending {
    last_sent: Option<Instant>,
    timer_armed: bool,
    kinds: BTreeSet<&'static str>,
    version: u64,
}

pub struct Live {
    fanout: Fanout,
    pending: [Mutex<Pending>; 2],
    /// Freshly committed events, in commit order, for the task that signals them.
    committed: tokio::sync::mpsc::UnboundedSender<Vec<Event>>,
}

impl Live {
    pub fn new(fanout: Fanout) -> Arc<Live> {
        let (committed, events) = tokio::sync::mpsc::unbounded_channel();
        let live = Arc::new(Live { fanout, pending: Default::default(), committed });
        live.signal_in_order(events);
        live
    }

    /// Sends the per-event signals of committed events, one batch after another, so
    /// that the writer never waits on a socket.
    fn signal_in_order(self: &Arc<Self>, mut batches: tokio::sync::mpsc::UnboundedReceiver<Vec<Event>>) {
        // Only the receiver's task holds the `Live`: dropping every sender ends it.
        let live = Arc::downgrade(self);
        tokio::spawn(async move {
            while let Some(events) = batches.recv().await {
                let Some(live) = live.upgrade() else { return };
                live.signal_events(&events).await;
            }
        });
    }

    /// Announces that figures of `channel` changed up to `version`. The first change
    /// after a quiet spell goes out at once; later ones within 100 ms are merged into
    /// one trailing update carrying the newest version.
    fn stats_changed(self: &Arc<Self>, channel: Channel, kinds: &[&'static str], version: u64) {
        let mut pending = self.pending[channel as usize].lock();
        pending.kinds.extend(kinds);
        pending.version = pending.version.max(version);
        if pending.timer_armed {
            return;
        }
        let now = Instant::now();
        let wait = pending.last_sent.map_or(Duration::ZERO, |sent| COALESCE.saturating_sub(now - sent));
        if wait.is_zero() {
            let update = take_update(&mut pending, now);
            drop(pending);
            self.spawn_emit(channel, update);
            return;
        }
        pending.timer_armed = true;
        drop(pending);
        let live = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            let update = {
                let mut pending = live.pending[channel as usize].lock();
                pending.timer_armed = false;
                take_update(&mut pending, Instant::now())
            };
            live.emit_stats(channel, update).await;
        });
    }

    /// Tells the dashboards of each move of the figures, for as long as the process runs.
    /// Events applied from elsewhere are told only when the fan-out does not reach every
    /// instance: otherwise the instance that committed them told every dashboard.
    pub fn follow(self: &Arc<Self>, mut moves: tokio::sync::mpsc::UnboundedReceiver<FiguresMoved>) {
        let live = self.clone();
        tokio::spawn(async move {
            while let Some(moved) = moves.recv().await {
                match moved {
                    FiguresMoved::Applied { own, version, changed, milestones } => {
                        if own || !live.fanout.reaches_every_instance() {
                            for (channel, kinds) in changed {
                                live.stats_changed(channel, &kinds, version);
                            }
                            live.milestones(&milestones).await;
                        }
                    }
                    // Every channel's figures may have changed; dashboards refetch (and,
                    // while the database is away, say their figures are stale).
                    FiguresMoved::Settings { version } => live.every_channel_changed("settings", version),
                    FiguresMoved::Database { version, .. } => live.every_channel_changed("database", version),
                }
            }
        });
    }

    fn every_channel_changed(self: &Arc<Self>, kind: &'static str, version: u64) {
        for channel in Channel::ALL {
            self.stats_changed(channel, &[kind], version);
        }
    }

    fn spawn_emit(self: &Arc<Self>, channel: Channel, update: (Vec<&'static str>, u64)) {
        let live = self.clone();
        tokio::spawn(async move { live.emit_stats(channel, update).await });
    }

    /// One `stats_update`, to the dashboards that watch `channel` (or both).
    async fn emit_stats(&self, channel: Channel, (kinds, version): (Vec<&'static str>, u64)) {
        let update = StatsUpdate { channel: channel.as_str(), version, kinds, at: format_ms(now_ms()) };
        self.fanout.emit_to(DASHBOARD_NS, stats_rooms(channel).to_vec(), "stats_update", &update).await;
    }

    /// The milestones (`session_started`, `human_takeover`).
    async fn milestones(&self, milestones: &[Milestone]) {
        for milestone in milestones {
            let event = match milestone.kind {
                MilestoneKind::SessionStarted => "session_started",
                MilestoneKind::HumanTakeover => "human_takeover",
            };
            let signal = MilestoneSignal {
                channel: milestone.channel.as_str(),
                user_id: &milestone.user_id,
                user_name: milestone.user_name.as_deref(),
                at: format_ms(milestone.at),
            };
            self.emit(event, &signal).await;
        }
    }

    /// An alert incident opened or closed: a toast on every dashboard.
    pub async fn alert(&self, notice: &crate::server::alerts::notice::AlertNotice) {
        self.emit("alert", notice).await;
    }

    /// A session ended with its handover unanswered: a line in the activity feed, told
    /// by each instance to its own dashboards.
    pub async fn handover_unanswered(&self, ended: &UnansweredHandover) {
        let signal = MilestoneSignal {
            channel: ended.channel.as_str(),
            user_id: &ended.user_id,
            user_name: ended.user_name.as_deref(),
            at: format_ms(ended.at),
        };
        self.fanout.emit_local(DASHBOARD_NS, "handover_unanswered", &signal).await;
    }

    /// Queues the per-event signals of freshly committed events; they leave at once,
    /// from a task of their own, in commit order.
    pub fn events_committed(&self, events: Vec<Event>) {
        // The task ends only with the process.
        let _ = self.committed.send(events);
    }

    async fn signal_events(&self, events: &[Event]) {
        for e in events {
            let at = format_ms(e.at_ms);
            match e.kind {
                Kind::Message => {
                    let signal = MessageSignal {
                        channel: e.channel.as_str(),
                        user_id: &e.user_id,
                        sender: e.sender.map_or("user", |s| s.as_str()),
                        human_mode: e.human_mode,
                        at,
                    };
                    self.emit("new_message", &signal).await;
                }
                kind => {
                    let signal = UserSignal { channel: e.channel.as_str(), user_id: &e.user_id, at };
                    self.emit(kind.as_str(), &signal).await;
                }
            }
        }
    }

    async fn emit<T: Serialize + ?Sized>(&self, event: &'static str, payload: &T) {
        self.fanout.emit(DASHBOARD_NS, event, payload).await;
    }
}

fn take_update(pending: &mut Pending, now: Instant) -> (Vec<&'static str>, u64) {
    pending.last_sent = Some(now);
    (std::mem::take(&mut pending.kinds).into_iter().collect(), pending.version)
}
