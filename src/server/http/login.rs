//! `POST /login` and `POST /logout`: form posts that set or clear the session cookie,
//! so logging in works without JavaScript.

use axum::extract::{FromRequest, Request, State};
use axum::http::header::{COOKIE, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::error::ApiError;
use super::headers::over_https;
use crate::server::auth::logins::{
    device_token, session_token, Login, DEVICE_COOKIE, DEVICE_TTL_S, SECURE_DEVICE_COOKIE, SECURE_SESSION_COOKIE,
    SESSION_COOKIE, SESSION_TTL_MS,
};
use crate::server::domain::time::retry_after_seconds;
use crate::server::state::AppState;

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Only paths of this site, so a login link cannot send the admin elsewhere. Browsers
/// forgive a lot in a `Location`: they drop tabs and newlines, read `\\` as `/`, and some
/// decode `%2F` before resolving; anything that could turn into `//host` or a scheme is
/// refused, as is every byte outside printable ASCII (and any control byte in disguise).
pub fn safe_next(next: &str) -> &str {
    let printable = next.bytes().all(|b| b.is_ascii_graphic());
    let decoded = percent_decoded(next);
    let path_only = |text: &str| text.starts_with('/') && !text.starts_with("//") && !text.contains('\\');
    let no_hidden_bytes = decoded.bytes().all(|b| !b.is_ascii_control() && b != b' ');
    if printable && path_only(next) && path_only(&decoded) && no_hidden_bytes {
        next
    } else {
        "/"
    }
}

/// `text` with `%XX` escapes decoded (bytes that are not UTF-8 become U+FFFD).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The session cookie as `Set-Cookie` writes it: over HTTPS `Secure` and `__Host-`
/// named, so it never travels in clear and no sibling host can set or shadow it.
fn session_cookie(headers: &HeaderMap, token: &str, max_age_s: i64) -> HeaderValue {
    cookie(headers, (SECURE_SESSION_COOKIE, SESSION_COOKIE), token, max_age_s)
}

fn cookie(headers: &HeaderMap, (secure_name, name): (&str, &str), token: &str, max_age_s: i64) -> HeaderValue {
    let cookie = if over_https(headers) {
        format!("{secure_name}={token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age_s}")
    } else {
        format!("{name}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}")
    };
    HeaderValue::from_str(&cookie).expect("cookie is ASCII")
}

pub async fn login(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let address = state.limits.client_address(request.extensions(), request.headers());
    let headers = request.headers().clone();
    let Form(form) = Form::<LoginForm>::from_request(request, &state)
        .await
        .map_err(|_| ApiError::BadRequest("a login needs a username and a password".into()))?;
    let next = safe_next(&form.next).to_string();
    let device = device_token(headers.get(COOKIE).and_then(|v| v.to_str().ok()));
    match state.admin_sessions.login(&form.username, &form.password, address, device).await? {
        Login::Accepted { session, new_device } => {
            let mut response = Redirect::to(&next).into_response();
            response.headers_mut().insert(SET_COOKIE, session_cookie(&headers, &session, SESSION_TTL_MS / 1000));
            if let Some(device) = new_device {
                let names = (SECURE_DEVICE_COOKIE, DEVICE_COOKIE);
                response.headers_mut().append(SET_COOKIE, cookie(&headers, names, &device, DEVICE_TTL_S));
            }
            Ok(response)
        }
        Login::Refused => {
            tracing::info!(%address, "a login failed");
            let target = format!("/login?failed=1&next={}", urlencode(&next));
            Ok(Redirect::to(&target).into_response())
        }
        Login::TooSoon(wait) => {
            tracing::warn!(%address, wait_s = wait.as_secs(), "a login was refused after repeated failures");
            Ok(wait_page("Too many failed logins.", wait, &next))
        }
        Login::Busy(wait) => {
            tracing::warn!(%address, "a login was turned away: every password check was busy");
            Ok(wait_page("The server is busy checking other logins.", wait, &next))
        }
    }
}

/// 429 with `Retry-After` and a page that says why and when.
fn wait_page(why: &str, wait: std::time::Duration, next: &str) -> Response {
    let seconds = retry_after_seconds(wait);
    let page = format!(
        "<!DOCTYPE html><title>chatpulse</title><p>{why} Try again in {seconds} s.</p>\
         <p><a href=\"/login?next={}\">Back to the login</a></p>",
        urlencode(next)
    );
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Html(page)).into_response();
    response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(seconds));
    response
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = session_token(headers.get(COOKIE).and_then(|v| v.to_str().ok())) {
        state.admin_sessions.logout(token).await?;
        // The dashboards open with this session end now, not at the next sweep.
        state.login_watch().sweep().await;
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(SET_COOKIE, session_cookie(&headers, "", 0));
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

    #[test]
    fn hidden_bytes_backslashes_and_encoded_slashes_cannot_make_a_host() {
        for hostile in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "%2F%2Fevil.example",
            "/\u{3000}/evil.example",
            "javascript:alert(1)",
        ] {
            let kept = safe_next(hostile);
            assert!(kept == "/" || kept == hostile, "{hostile:?}");
            assert_eq!(kept, "/", "{hostile:?} was followed");
        }
        assert_eq!(safe_next("/web?range=30d&page=2"), "/web?range=30d&page=2");
        assert_eq!(safe_next("/web?q=%C3%BC"), "/web?q=%C3%BC");
    }
}
