//! `POST /api/ingest/events`.

use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

use super::access::IngestAccess;
use super::error::ApiError;
use crate::server::domain::event::parse_batch;
use crate::server::domain::time::now_ms;
use crate::server::pipeline::ingest::Source;
use crate::server::state::AppState;

pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub async fn ingest_events(
    State(state): State<AppState>,
    access: IngestAccess,
    request: Request,
) -> Result<impl IntoResponse, ApiError> {
    // Counted before the body is read: a flood costs the server as little as possible.
    let address = state.limits.client_address(request.extensions(), request.headers());
    state.limits.per_address.take(&address, 1.0, Instant::now()).map_err(ApiError::TooMany)?;
    if !is_json(request.headers().get(header::CONTENT_TYPE)) {
        return Err(ApiError::NotJson);
    }
    let body = read_limited(request.into_body()).await?;
    let events = parse_batch(&body, now_ms())?;
    state.limits.per_key.take(&access.key_id, events.len() as f64, Instant::now()).map_err(ApiError::TooMany)?;
    let outcome = state.ingestor.ingest(Source::Key(access.key_id), events).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({"accepted": outcome.accepted, "duplicates": outcome.duplicates}))))
}

fn is_json(content_type: Option<&header::HeaderValue>) -> bool {
    content_type
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

async fn read_limited(body: Body) -> Result<bytes::Bytes, ApiError> {
    axum::body::to_bytes(body, MAX_BODY_BYTES).await.map_err(|_| ApiError::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types_are_recognized_with_parameters() {
        let v = |s: &'static str| header::HeaderValue::from_static(s);
        assert!(is_json(Some(&v("application/json"))));
        assert!(is_json(Some(&v("Application/JSON; charset=utf-8"))));
        assert!(!is_json(Some(&v("text/plain"))));
        assert!(!is_json(None));
    }
}
