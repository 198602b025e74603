//! Sources chatpulse reads events from instead of being sent them: a SQL table it
//! follows (`sql_follower`) and the widget servers' Socket.IO announcements
//! (`widget_client`). Each reports its state here, for `/healthz`, `/metrics` and the
//! settings page.

pub mod sql_follower;
pub mod sql_rows;
pub mod widget_client;
pub mod widget_payload;

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::model::{SourceRefusalCount, SourceState, SourceStatus};
use crate::server::domain::time::now_ms;

/// The state of every configured source on this instance.
#[derive(Clone, Default)]
pub struct Sources(Arc<Mutex<BTreeMap<String, SourceStatus>>>);

impl Sources {
    /// Changes `name`'s status (created on first use).
    pub fn update(&self, name: &str, change: impl FnOnce(&mut SourceStatus)) {
        let mut all = self.0.lock();
        let status = all.entry(name.to_string()).or_insert_with(|| SourceStatus {
            name: name.to_string(),
            since_ms: now_ms(),
            ..SourceStatus::default()
        });
        change(status);
    }

    /// Moves `name` to `state`, saying why (or clearing the reason).
    pub fn set_state(&self, name: &str, state: SourceState, detail: Option<String>) {
        self.update(name, |status| {
            if status.state != state {
                status.since_ms = now_ms();
            }
            status.state = state;
            status.detail = detail;
        });
    }

    pub fn snapshot(&self) -> Vec<SourceStatus> {
        self.0.lock().values().cloned().collect()
    }

    /// Counts a row or announcement of `name` that could not become an event: by reason,
    /// with where the last such one was (at most `LISTED_REASONS` reasons are listed).
    pub fn count_refusal(&self, name: &str, reason: String, last: String) {
        self.update(name, |status| {
            status.refused += 1;
            let room = status.refusals.len() < LISTED_REASONS;
            match status.refusals.iter_mut().find(|r| r.reason == reason) {
                Some(known) => {
                    known.count += 1;
                    known.last = last;
                }
                None if room => status.refusals.push(SourceRefusalCount { reason, count: 1, last }),
                None => {}
            }
        });
    }
}

/// Refusal reasons a source lists at most (the stored ones are read back 50 at most).
const LISTED_REASONS: usize = 50;

/// The delay before retry number `attempt` (from 0): doubling from 250 ms up to 30 s,
/// each drawn at random between half and all of it, so that instances and sources cut
/// off together do not come back in step.
pub fn retry_delay(attempt: u32) -> std::time::Duration {
    use rand::Rng;
    let full_ms = (250u64 << attempt.min(7)).min(30_000);
    std::time::Duration::from_millis(rand::thread_rng().gen_range(full_ms / 2..=full_ms))
}
