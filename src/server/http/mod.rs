//! The HTTP doors of the contract: ingest, stats, CSV export, health, login.

pub mod access;
pub mod error;
pub mod headers;
pub mod health;
pub mod ingest;
pub mod login;
pub mod stats;

use axum::routing::{get, post};
use axum::Router;

use crate::server::state::AppState;

pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/api/ingest/events", post(ingest::ingest_events))
        .route("/api/stats", get(stats::get_stats))
        .route("/api/stats/sessions.csv", get(stats::get_sessions_csv))
        .route("/healthz", get(health::healthz))
        .route("/login", post(login::login))
        .route("/logout", post(login::logout))
}
