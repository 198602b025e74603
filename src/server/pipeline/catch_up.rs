//! Keeps this instance's figures in step with the database: events and settings that
//! other instances (or a failed catch-up of our own) stored.
//!
//! What it applies is published as committed elsewhere; the realtime side decides who
//! hears of it (`realtime::signals::Live::follow`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::figures::Figures;
use crate::server::db::{Db, DbError};

/// How often the figures look for what was stored elsewhere.
const EVERY: Duration = Duration::from_secs(1);

/// Before answering a reader: with a database other instances may write to, applies
/// what they committed, so that a dashboard which heard `stats_update` from another
/// instance sees that event here. Concurrent readers share one round trip.
pub async fn before_reading(db: &Db, figures: &Figures) -> Result<(), DbError> {
    if db.is_postgres() {
        figures.catch_up_since(Instant::now()).await?;
    }
    Ok(())
}

/// Every second: applies what was stored elsewhere, tells dashboards when the database
/// stops or starts answering, and follows settings stored elsewhere.
pub fn spawn(figures: Arc<Figures>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        let mut database_answered = true;
        loop {
            tick.tick().await;
            let answered = match figures.catch_up_since(Instant::now()).await {
                Ok(()) => true,
                Err(error) => {
                    tracing::warn!(%error, "background catch-up failed");
                    false
                }
            };
            if answered != database_answered {
                // Open dashboards refetch: while the database is away that fails and
                // they say their figures are stale; once it is back they are current.
                database_answered = answered;
                figures.database_answers(answered);
            }
            if let Err(error) = figures.adopt_stored_settings().await {
                tracing::warn!(%error, "could not check for settings changed elsewhere");
            }
        }
    });
}
