//! Extractors that admit a request: an ingest key, or a read key or admin session.

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;

use super::error::ApiError;
use crate::server::auth::keyring::bearer;
use crate::server::auth::logins::{session_token, SignedIn};
use crate::server::auth::{KeyError, Scope};
use crate::server::state::AppState;

pub(super) fn header(parts: &Parts, name: axum::http::HeaderName) -> Option<&str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

/// A request carrying a valid key with the `ingest` scope.
pub struct IngestAccess {
    /// The key's id, which its rate limit is kept by.
    pub key_id: i64,
}

impl FromRequestParts<AppState> for IngestAccess {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let key_id = state
            .keyring
            .check(bearer(header(parts, AUTHORIZATION)), Scope::Ingest)
            .map_err(|error| refuse_key(state, parts, error))?;
        Ok(IngestAccess { key_id })
    }
}

/// A request from a logged-in account (admin or viewer), or carrying a valid key with
/// the `read` scope.
pub struct ReadAccess;

impl FromRequestParts<AppState> for ReadAccess {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(token) = bearer(header(parts, AUTHORIZATION)) {
            state.keyring.check(Some(token), Scope::Read).map_err(|error| refuse_key(state, parts, error))?;
            return Ok(ReadAccess);
        }
        match account_of(parts, state).await? {
            Some(_) => Ok(ReadAccess),
            None => Err(ApiError::NotLoggedIn),
        }
    }
}

/// What a failed key check costs the caller's address, in requests: guessing keys
/// runs out of budget quickly, and then is answered 429 instead of 401.
const FAILED_KEY_COST: f64 = 10.0;

pub(super) fn refuse_key(state: &AppState, parts: &Parts, error: KeyError) -> ApiError {
    let address = state.limits.client_address(&parts.extensions, &parts.headers);
    match state.limits.per_address.take(&address, FAILED_KEY_COST, std::time::Instant::now()) {
        Ok(()) => ApiError::Key(error),
        Err(wait) => ApiError::TooMany(wait),
    }
}

/// The account whose session cookie the request carries, with its role, if any.
pub async fn account_of(parts: &Parts, state: &AppState) -> Result<Option<SignedIn>, ApiError> {
    match session_token(header(parts, COOKIE)) {
        Some(token) => Ok(state.admin_sessions.account(token).await?),
        None => Ok(None),
    }
}
