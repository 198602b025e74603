//! `GET /healthz`: ready when the database answers; names the state of Redis and of each
//! followed source.

use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::error::ApiError;
use crate::model::SourceState;
use crate::server::state::AppState;

/// A health check is one database round trip: it counts against the caller's read budget,
/// so that it cannot be used to keep the database busy.
pub async fn healthz(State(state): State<AppState>, parts: Parts) -> Result<(StatusCode, Json<Value>), ApiError> {
    super::stats::charge_read(&state, &parts, 1.0)?;
    let database = match state.db.ping().await {
        Ok(()) => "ok",
        Err(error) => {
            tracing::warn!(%error, "health check: the database does not answer");
            "unavailable"
        }
    };
    // Without Redis an instance still serves its own dashboards (live updates from
    // other instances reach them through the database within a second): it stays in
    // the load balancer's pool and says it is degraded.
    let redis = state.fanout.redis_status();
    let status = if database == "ok" { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    // A source that cannot be read delays figures but loses nothing (it is read from
    // where it stopped): degraded, not unavailable.
    let snapshot = state.sources.snapshot();
    let sources_down = snapshot.iter().any(|s| s.state == SourceState::Down);
    let sources: Vec<Value> =
        snapshot.into_iter().map(|s| json!({"name": s.name, "state": s.state, "detail": s.detail})).collect();
    let overall = match (database, redis) {
        ("ok", "unavailable") => "degraded",
        ("ok", _) if sources_down => "degraded",
        ("ok", _) => "ok",
        _ => "unavailable",
    };
    Ok((status, Json(json!({"status": overall, "database": database, "redis": redis, "sources": sources}))))
}
