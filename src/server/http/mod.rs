//! The HTTP doors of the contract: ingest, stats, CSV export, health, metrics, login.

pub mod access;
pub mod conversations;
pub mod cross_site;
pub mod erasure;
pub mod error;
pub mod headers;
pub mod health;
pub mod ingest;
pub mod login;
pub mod metrics;
pub mod site_files;
pub mod stats;

use axum::middleware;
use axum::routing::{get, post};
use axum::Router;

use crate::server::state::AppState;

pub fn api_routes(state: &AppState) -> Router<AppState> {
    let count_refusals = middleware::from_fn_with_state(state.clone(), metrics::count_http_ingest);
    Router::new()
        .route("/api/ingest/events", post(ingest::ingest_events).route_layer(count_refusals))
        .route("/metrics", get(metrics::metrics))
        .route("/api/stats", get(stats::get_stats))
        .route("/api/stats/sessions.csv", get(stats::get_sessions_csv))
        .route("/api/operators", get(conversations::get_operators))
        .route("/api/pages", get(conversations::get_pages))
        .route("/api/erasures", post(erasure::erase))
        .route("/healthz", get(health::healthz))
        .route("/login", post(login::login))
        .route("/logout", post(login::logout))
}
