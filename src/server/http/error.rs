//! The API's error answer: a status and a JSON body whose every word is safe to show.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::server::auth::KeyError;
use crate::server::db::DbError;
use crate::server::domain::event::{BatchError, Problem};
use crate::server::domain::time::retry_after_seconds;
use crate::server::pipeline::ingest::IngestError;

/// Seconds a client should wait before retrying after a database failure.
const RETRY_AFTER_SECONDS: &str = "5";

#[derive(Debug)]
pub enum ApiError {
    Key(KeyError),
    NotLoggedIn,
    /// Logged in, but the account's role may not do this.
    Forbidden(&'static str),
    BadRequest(String),
    Invalid(Vec<Problem>),
    TooLarge,
    NotJson,
    /// The detail is logged, never shown.
    Unavailable(String),
    /// Over a rate limit; the client may try again after this long.
    TooMany(std::time::Duration),
}

impl From<KeyError> for ApiError {
    fn from(e: KeyError) -> Self {
        ApiError::Key(e)
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        ApiError::Unavailable(e.to_string())
    }
}

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> Self {
        ApiError::Unavailable(e.to_string())
    }
}

impl From<BatchError> for ApiError {
    fn from(e: BatchError) -> Self {
        match e {
            BatchError::Malformed(text) | BatchError::Shape(text) => ApiError::BadRequest(text),
            BatchError::Invalid(problems) => ApiError::Invalid(problems),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ApiError::Key(KeyError::WrongScope(scope)) => {
                (StatusCode::FORBIDDEN, json!({"error": KeyError::WrongScope(scope).to_string()}))
            }
            ApiError::Key(e) => (StatusCode::UNAUTHORIZED, json!({"error": e.to_string()})),
            ApiError::NotLoggedIn => (
                StatusCode::UNAUTHORIZED,
                json!({"error": "log in as an admin or send a read key (Authorization: Bearer <key>)"}),
            ),
            ApiError::Forbidden(text) => (StatusCode::FORBIDDEN, json!({"error": text})),
            ApiError::BadRequest(text) => (StatusCode::BAD_REQUEST, json!({"error": text, "problems": []})),
            ApiError::Invalid(problems) => (
                StatusCode::BAD_REQUEST,
                json!({"error": format!("{} problem(s) found; nothing was stored", problems.len()), "problems": problems}),
            ),
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, json!({"error": "the body is larger than 1 MiB"})),
            ApiError::NotJson => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                json!({"error": "send the events as JSON (Content-Type: application/json)"}),
            ),
            ApiError::TooMany(wait) => {
                let seconds = retry_after_seconds(wait);
                let body = json!({"error": format!("too many requests; nothing was stored, retry in {seconds} s")});
                let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                return response;
            }
            ApiError::Unavailable(error) => {
                tracing::error!(%error, "the database could not serve a request");
                let mut response = (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Json(json!({"error": "the database is unavailable; nothing was stored, retry later"})),
                )
                    .into_response();
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECONDS));
                return response;
            }
        };
        (status, Json(body)).into_response()
    }
}
