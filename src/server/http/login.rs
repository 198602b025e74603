//! `POST /login` and `POST /logout`: form posts that set or clear the session cookie,
//! so logging in works without JavaScript.

use axum::extract::State;
use axum::http::header::{COOKIE, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::error::ApiError;
use crate::server::auth::sessions::{session_token, Login, SESSION_COOKIE, SESSION_TTL_MS};
use crate::server::domain::time::retry_after_seconds;
use crate::server::state::AppState;

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Only same-site paths, so a login link cannot send the admin elsewhere.
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

/// The session cookie's attributes: `Secure` when the browser talks HTTPS to us or to
/// the proxy in front (`X-Forwarded-Proto: https`), so the cookie never travels in clear.
fn cookie_attributes(headers: &HeaderMap) -> &'static str {
    let forwarded_https =
        headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|p| p.eq_ignore_ascii_case("https"));
    if forwarded_https {
        "Path=/; HttpOnly; Secure; SameSite=Strict"
    } else {
        "Path=/; HttpOnly; SameSite=Strict"
    }
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, ApiError> {
    let next = safe_next(&form.next).to_string();
    match state.admin_sessions.login(&form.username, &form.password).await? {
        Login::Accepted(token) => {
            let cookie =
                format!("{SESSION_COOKIE}={token}; {}; Max-Age={}", cookie_attributes(&headers), SESSION_TTL_MS / 1000);
            let mut response = Redirect::to(&next).into_response();
            response.headers_mut().insert(SET_COOKIE, HeaderValue::from_str(&cookie).expect("cookie is ASCII"));
            Ok(response)
        }
        Login::Refused => {
            tracing::info!("a login failed");
            let target = format!("/login?failed=1&next={}", urlencode(&next));
            Ok(Redirect::to(&target).into_response())
        }
        Login::TooSoon(wait) => {
            tracing::warn!(wait_s = wait.as_secs(), "a login was refused after repeated failures");
            let seconds = retry_after_seconds(wait);
            let page = format!(
                "<!DOCTYPE html><title>chatpulse</title><p>Too many failed logins. Try again in {seconds} s.</p>\
                 <p><a href=\"/login?next={}\">Back to the login</a></p>",
                urlencode(&next)
            );
            let mut response = (StatusCode::TOO_MANY_REQUESTS, Html(page)).into_response();
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(seconds));
            Ok(response)
        }
    }
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = session_token(headers.get(COOKIE).and_then(|v| v.to_str().ok())) {
        state.admin_sessions.logout(token).await?;
        // The dashboards open with this session end now, not at the next sweep.
        crate::server::session_watch::sweep(&state).await;
    }
    let mut response = Redirect::to("/login").into_response();
    let expired = format!("{SESSION_COOKIE}=; {}; Max-Age=0", cookie_attributes(&headers));
    response.headers_mut().insert(SET_COOKIE, HeaderValue::from_str(&expired).expect("cookie is ASCII"));
    Ok(response)
}

pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next("/web?range=7d"), "/web?range=7d");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next(""), "/");
    }
}
