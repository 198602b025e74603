//! Erasing a visitor on request (KVKK / GDPR) and the retention schedule: events are
//! deleted for good, every instance rebuilds its figures without them, and the audit
//! records who deleted what and when.

use std::sync::Arc;
use std::time::Duration;

use super::figures::Figures;
use crate::server::db::{Db, DbError, Deletion};
use crate::server::domain::event::Channel;
use crate::server::domain::time::{now_ms, DAY_MS};
use crate::server::leadership::Leadership;

/// How often the retention looks for events past their time.
const RETENTION_EVERY: Duration = Duration::from_secs(3600);
/// The advisory lock naming the retention's leader.
const RETENTION_LOCK: i64 = 0x6370_7265_7465_6e74;
const LONGEST_USER_ID: usize = 128;

/// Why an erasure was refused; every message is safe to show.
#[derive(Debug, thiserror::Error)]
pub enum ErasureError {
    #[error("user_id is required: 1 to 128 characters")]
    BadUserId,
    #[error("channel must be web, premium, or absent for both")]
    BadChannel,
    #[error("the database is unavailable; nothing was erased, try again")]
    Unavailable(#[from] DbError),
}

/// What was erased.
#[derive(Debug, PartialEq, Eq)]
pub struct Erased {
    pub events: u64,
}

/// Deletes every stored event of `user_id` (in `channel`, or in both), on behalf of
/// `actor` (`admin:<name>` or `key:<id>`); the figures of every instance follow.
pub async fn erase_visitor(
    db: &Db,
    figures: &Arc<Figures>,
    actor: &str,
    channel: Option<&str>,
    user_id: &str,
) -> Result<Erased, ErasureError> {
    if user_id.is_empty() || user_id.chars().count() > LONGEST_USER_ID {
        return Err(ErasureError::BadUserId);
    }
    let channel = match channel.map(str::trim).filter(|c| !c.is_empty() && *c != "all") {
        None => None,
        Some(text) => Some(Channel::parse(text).ok_or(ErasureError::BadChannel)?),
    };
    let subject =
        crate::server::auth::hashing::hash_token(&format!("{}:{user_id}", channel.map_or("all", Channel::as_str)));
    let deletion = Deletion::Visitor { channel: channel.map(|c| c as i64), user_id };
    let events = db.delete_events(&deletion, actor, Some(&subject), now_ms()).await?;
    tracing::info!(actor, subject_sha256 = %subject, events, "a visitor was erased");
    follow(figures).await;
    Ok(Erased { events })
}

/// Deletes the events older than `days` days; returns how many.
pub async fn apply_retention(db: &Db, figures: &Arc<Figures>, days: u32) -> Result<u64, DbError> {
    let before = now_ms() - i64::from(days) * DAY_MS;
    let events = db.delete_events(&Deletion::Before { at_ms: before }, "retention", None, now_ms()).await?;
    if events > 0 {
        tracing::info!(events, days, "events past the retention were deleted");
        follow(figures).await;
    }
    Ok(events)
}

/// Rebuilds this instance's figures at once; the others follow the settings row within
/// a second (`catch_up`).
async fn follow(figures: &Arc<Figures>) {
    if let Err(error) = figures.adopt_stored_settings().await {
        tracing::warn!(%error, "the figures could not follow an erasure yet; the background check will");
    }
}

/// Runs the retention every hour on the one instance that leads it.
pub fn spawn_retention(db: Db, figures: Arc<Figures>, days: u32) {
    tokio::spawn(async move {
        let mut lead = Leadership::acquire(&db, RETENTION_LOCK).await;
        let mut tick = tokio::time::interval(RETENTION_EVERY);
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    if let Err(error) = apply_retention(&db, &figures, days).await {
                        tracing::warn!(%error, "the retention could not run; it tries again in an hour");
                    }
                }
                () = lead.lost() => lead = Leadership::acquire(&db, RETENTION_LOCK).await,
            }
        }
    });
}
