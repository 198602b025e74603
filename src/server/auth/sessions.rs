//! Admin logins: password check, session tokens in an HttpOnly cookie, expiry.

use super::hashing::{hash_token, new_token, verify_password};
use crate::server::db::{Db, DbError};
use crate::server::domain::time::now_ms;

pub const SESSION_COOKIE: &str = "chatpulse_session";
pub const SESSION_TTL_MS: i64 = 7 * 24 * 3_600_000;

#[derive(Clone)]
pub struct AdminSessions {
    db: Db,
}

impl AdminSessions {
    pub fn new(db: Db) -> Self {
        AdminSessions { db }
    }

    /// A new session token when the password is right, `None` otherwise.
    pub async fn login(&self, username: &str, password: &str) -> Result<Option<String>, DbError> {
        let Some(hash) = self.db.admin_password_hash(username).await? else {
            return Ok(None);
        };
        let password = password.to_string();
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false);
        if !ok {
            return Ok(None);
        }
        let token = new_token("cps_");
        let now = now_ms();
        self.db.insert_admin_session(&hash_token(&token), username, now, now + SESSION_TTL_MS).await?;
        Ok(Some(token))
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
