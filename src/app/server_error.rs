//! What a server function answers when it cannot do what was asked: a code the page
//! acts on (a login that ended sends it to the login form) and words for the person.
//! Both halves share the type, so the browser matches on the code, never on the words.
//! On the server, making one also sets the answer's HTTP status from its code. It travels
//! in postcard, like the answers themselves: the browser's WASM carries no JSON parser
//! (the message is still readable in the body, as postcard writes strings as they are).

use leptos::server_fn::codec::PostcardEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No valid login session: the page goes to the login form (401).
    LoginRequired,
    /// A viewer at an admin's door (403).
    AdminOnly,
    /// The person's own check failed, such as the current password (403).
    Forbidden,
    /// What it names does not exist (404).
    NotFound,
    /// It clashes with what is stored: a name taken, the last admin (409).
    Conflict,
    /// Too many attempts; the answer's `Retry-After` says when to try again (429).
    TooSoon,
    /// The request itself is wrong; the message says how (400).
    Invalid,
    /// The server cannot answer right now (database, session store); later may work (503).
    Unavailable,
    /// The call did not complete (network, encoding): said by the server-function layer.
    Transport,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerError {
    pub code: ErrorCode,
    pub message: String,
}

impl ServerError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ServerError {
        let error = ServerError { code, message: message.into() };
        #[cfg(feature = "ssr")]
        error.set_status();
        error
    }

    pub fn login_required() -> ServerError {
        ServerError::new(ErrorCode::LoginRequired, "log in first")
    }

    pub fn admin_only() -> ServerError {
        ServerError::new(ErrorCode::AdminOnly, "a viewer may look but not change anything; an admin may")
    }

    pub fn invalid(message: impl Into<String>) -> ServerError {
        ServerError::new(ErrorCode::Invalid, message)
    }

    pub fn unavailable(message: impl Into<String>) -> ServerError {
        ServerError::new(ErrorCode::Unavailable, message)
    }

    /// Puts the code's status on the answer being made (server functions answer 500
    /// to any error otherwise).
    #[cfg(feature = "ssr")]
    fn set_status(&self) {
        use axum::http::StatusCode;
        let status = match self.code {
            ErrorCode::LoginRequired => StatusCode::UNAUTHORIZED,
            ErrorCode::AdminOnly | ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::Conflict => StatusCode::CONFLICT,
            ErrorCode::TooSoon => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Invalid => StatusCode::BAD_REQUEST,
            ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Transport => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status);
        }
    }
}

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ServerError {}

impl FromServerFnError for ServerError {
    type Encoder = PostcardEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> ServerError {
        ServerError { code: ErrorCode::Transport, message: error.to_string() }
    }
}
