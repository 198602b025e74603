//! Refuses state-changing requests that a page of another origin makes the browser send.
//!
//! `SameSite=Strict` keeps the admin cookie off requests from other *sites*, but another
//! port or a sibling subdomain is the same site. So every request that could change
//! something (any method but GET, HEAD and OPTIONS) must come from this server's own
//! origin or one in `CHATPULSE_ALLOWED_ORIGINS`: its `Origin` header says so, or, where a
//! browser sent none, its `Sec-Fetch-Site`. A request with neither is not a browser's
//! and carries no cookie the browser chose to add, so it passes.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::server::state::AppState;

/// Doors that take only an API key, never the cookie: servers call them, from anywhere.
const KEY_ONLY_PATHS: [&str; 1] = ["/api/ingest/events"];

pub async fn refuse_cross_site(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe_method = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe_method || KEY_ONLY_PATHS.contains(&request.uri().path()) || is_same_origin(&state, request.headers()) {
        return next.run(request).await;
    }
    tracing::warn!(path = request.uri().path(), "a cross-site request was refused");
    let body = json!({"error": "this request comes from another site's page; nothing was changed"});
    (StatusCode::FORBIDDEN, Json(body)).into_response()
}

fn is_same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    if headers.contains_key(axum::http::header::ORIGIN) {
        return state.limits.origin_allowed(headers);
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        None => true,
        Some(site) => site.eq_ignore_ascii_case("same-origin") || site.eq_ignore_ascii_case("none"),
    }
}
