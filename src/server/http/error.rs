//! The API's error answer: a status and a JSON body whose every word is safe to show.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::server::auth::KeyError;
use crate::server::db::DbError;
use crate::server::domain::event::{BatchError, Problem};
use crate::server::domain::refusal::IngestRefusal;
use crate::server::pipeline::ingest::IngestError;

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
            ApiError::Invalid(problems) => return refused(IngestRefusal::Invalid(problems)),
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, json!({"error": "the body is larger than 1 MiB"})),
            ApiError::NotJson => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                json!({"error": "send the events as JSON (Content-Type: application/json)"}),
            ),
            ApiError::TooMany(wait) => return refused(IngestRefusal::TooMany { wait, what: "requests" }),
            ApiError::Unavailable(error) => {
                tracing::error!(%error, "the database could not serve a request");
                return refused(IngestRefusal::Unavailable);
            }
        };
        (status, Json(body)).into_response()
    }
}

/// A refusal in the words the socket's acknowledgement uses too, with `Retry-After`
/// when waiting helps.
fn refused(refusal: IngestRefusal) -> Response {
    let status = StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = (status, Json(refusal.body())).into_response();
    if let Some(seconds) = refusal.retry_after() {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}
