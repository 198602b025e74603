//! `POST /api/erasures`: erase one visitor's data, with an admin session or a key of
//! the `admin` scope (a read key is not enough).

use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::access::{account_of, header, refuse_key};
use super::error::ApiError;
use crate::server::auth::keyring::bearer;
use crate::server::auth::logins::Role;
use crate::server::auth::Scope;
use crate::server::pipeline::erasure::{erase_visitor, ErasureError};
use crate::server::state::AppState;

#[derive(Deserialize)]
pub struct ErasureRequest {
    user_id: String,
    /// `web`, `premium`, or absent (or `all`) for both.
    #[serde(default)]
    channel: Option<String>,
}

/// Who asks, as the audit names them: `key:<id>` or `admin:<name>`.
async fn actor(parts: &Parts, state: &AppState) -> Result<String, ApiError> {
    if let Some(token) = bearer(header(parts, AUTHORIZATION)) {
        let id = state.keyring.check(Some(token), Scope::Admin).map_err(|error| refuse_key(state, parts, error))?;
        return Ok(format!("key:{id}"));
    }
    match account_of(parts, state).await? {
        Some(account) if account.role == Role::Admin => Ok(format!("admin:{}", account.username)),
        Some(_) => Err(ApiError::Forbidden("a viewer may not erase data; an admin may")),
        None => Err(ApiError::NotLoggedIn),
    }
}

pub async fn erase(State(state): State<AppState>, parts: Parts, body: axum::body::Bytes) -> Result<Response, ApiError> {
    let actor = actor(&parts, &state).await?;
    let request: ErasureRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("send {{\"user_id\": …, \"channel\": …}} as JSON: {e}")))?;
    match erase_visitor(&state.db, &state.figures, &actor, request.channel.as_deref(), &request.user_id).await {
        Ok(erased) => Ok((StatusCode::OK, Json(json!({"erased_events": erased.events}))).into_response()),
        Err(ErasureError::Unavailable(error)) => Err(error.into()),
        Err(refused) => Err(ApiError::BadRequest(refused.to_string())),
    }
}
