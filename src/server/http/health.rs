//! `GET /healthz`: ready when the database answers.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::server::state::AppState;

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let database = match state.db.ping().await {
        Ok(()) => "ok",
        Err(error) => {
            tracing::warn!(%error, "health check: the database does not answer");
            "unavailable"
        }
    };
    let redis = if state.redis_enabled { "ok" } else { "off" };
    let status = if database == "ok" { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let overall = if status == StatusCode::OK { "ok" } else { "unavailable" };
    (status, Json(json!({"status": overall, "database": database, "redis": redis})))
}
