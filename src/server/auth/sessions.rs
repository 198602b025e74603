//! Admin logins: password check, session tokens in an HttpOnly cookie, expiry.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::hashing::{hash_token, new_token, verify_password_off_thread};
use super::throttle::LoginThrottle;
use crate::server::db::{Db, DbError};
use crate::server::domain::time::now_ms;

pub const SESSION_COOKIE: &str = "chatpulse_session";
pub const SESSION_TTL_MS: i64 = 7 * 24 * 3_600_000;

#[derive(Clone)]
pub struct AdminSessions {
    db: Db,
    throttle: Arc<LoginThrottle>,
}

/// How a login attempt ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Login {
    /// The new session's token.
    Accepted(String),
    Refused,
    /// Too many failures for this username: not even checked; try again after this.
    TooSoon(Duration),
}

/// How a password check ended.
#[derive(Debug, PartialEq, Eq)]
pub enum PasswordCheck {
    Right,
    Wrong,
    /// Too many failures for this username: not even checked; try again after this.
    TooSoon(Duration),
}

impl AdminSessions {
    pub fn new(db: Db) -> Self {
        AdminSessions { db, throttle: Arc::default() }
    }

    /// Whether `password` is `username`'s, unless the name must wait after repeated
    /// failures. Logins and password changes both check through here, so guesses at
    /// either door count against the same backoff.
    pub async fn check_password(&self, username: &str, password: &str) -> Result<PasswordCheck, DbError> {
        if let Some(wait) = self.throttle.wait(username, Instant::now()) {
            return Ok(PasswordCheck::TooSoon(wait));
        }
        let hash = self.db.admin_password_hash(username).await?;
        // Unknown names are checked against nothing but still fail (and count) the same way.
        let ok = match hash {
            Some(hash) => verify_password_off_thread(password.to_string(), hash).await,
            None => false,
        };
        if !ok {
            self.throttle.failed(username, Instant::now());
            return Ok(PasswordCheck::Wrong);
        }
        self.throttle.succeeded(username);
        Ok(PasswordCheck::Right)
    }

    /// Checks a password (`check_password`) and, when it is right, opens a session.
    pub async fn login(&self, username: &str, password: &str) -> Result<Login, DbError> {
        match self.check_password(username, password).await? {
            PasswordCheck::TooSoon(wait) => Ok(Login::TooSoon(wait)),
            PasswordCheck::Wrong => Ok(Login::Refused),
            PasswordCheck::Right => {
                let token = new_token("cps_");
                let now = now_ms();
                self.db.insert_admin_session(&hash_token(&token), username, now, now + SESSION_TTL_MS).await?;
                Ok(Login::Accepted(token))
            }
        }
    }

    /// The admin a session token belongs to, while it has not expired.
    pub async fn user(&self, token: &str) -> Result<Option<String>, DbError> {
        let session = self.db.admin_session(&hash_token(token)).await?;
        Ok(session.filter(|s| s.expires_ms > now_ms()).map(|s| s.username))
    }

    pub async fn logout(&self, token: &str) -> Result<(), DbError> {
        self.db.delete_admin_session(&hash_token(token)).await
    }
}

/// The session token in a `Cookie` header value.
pub fn session_token(cookie_header: Option<&str>) -> Option<&str> {
    cookie_header?
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        assert_eq!(session_token(Some("a=1; chatpulse_session=tok; b=2")), Some("tok"));
        assert_eq!(session_token(Some("a=1")), None);
        assert_eq!(session_token(None), None);
    }
}
