//! Logins (admins and viewers): password check with its backoff, session tokens in an
//! HttpOnly cookie, known devices, expiry.

use std::net::IpAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use super::hashing::{hash_password, hash_token, new_token, verify_password, HashingPool};
use super::throttle::LoginThrottle;
use crate::server::db::{Db, DbError};
use crate::server::domain::time::now_ms;

pub const SESSION_COOKIE: &str = "chatpulse_session";
/// The cookie's name over HTTPS. Browsers accept a `__Host-` cookie only from this very
/// host, `Secure`, for `Path=/` and without `Domain`: a sibling subdomain cannot plant
/// one to log the admin into its own session.
pub const SECURE_SESSION_COOKIE: &str = "__Host-chatpulse_session";
/// The known-device cookie (see `throttle`), and its name over HTTPS.
pub const DEVICE_COOKIE: &str = "chatpulse_device";
pub const SECURE_DEVICE_COOKIE: &str = "__Host-chatpulse_device";
/// How long a browser stays known without logging in again.
pub const DEVICE_TTL_S: i64 = 365 * 24 * 3600;
pub const SESSION_TTL_MS: i64 = 7 * 24 * 3_600_000;

/// Longest a password check waits for a free hashing slot before it is turned away.
const HASHING_QUEUE_WAIT: Duration = Duration::from_secs(2);
/// Longer names are no account's (see `accounts::check_username`): not even looked up.
const LONGEST_USERNAME: usize = 64;

#[derive(Clone)]
pub struct AdminSessions {
    db: Db,
    throttle: Arc<LoginThrottle>,
    /// Each argon2 check holds about 19 MiB for tens of milliseconds: at most this many
    /// run at once, on threads of their own, so a login flood costs bounded memory and
    /// leaves cores to the rest.
    hashing: Arc<HashingPool>,
}

/// What an account may do: an admin changes settings, keys and accounts; a viewer sees
/// the dashboards and exports CSV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Admin,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Viewer => "viewer",
        }
    }

    /// A stored role; anything unknown is read as the lesser one.
    pub fn from_stored(text: &str) -> Role {
        if text == "admin" {
            Role::Admin
        } else {
            Role::Viewer
        }
    }
}

/// The account a live session belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub username: String,
    pub role: Role,
}

/// How a login attempt ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Login {
    /// The new session's token, and a known-device token for a browser new to the account.
    Accepted {
        session: String,
        new_device: Option<String>,
    },
    Refused,
    /// Too many failures for this username: not even checked; try again after this.
    TooSoon(Duration),
    /// Every hashing slot stayed busy: not checked and not counted; try again after this.
    Busy(Duration),
}

/// How a password check ended.
#[derive(Debug, PartialEq, Eq)]
pub enum PasswordCheck {
    Right,
    Wrong,
    /// Too many failures for this username or address: not even checked; try again after this.
    TooSoon(Duration),
    /// Every hashing slot stayed busy: not checked and not counted; try again after this.
    Busy(Duration),
}

impl AdminSessions {
    pub fn new(db: Db) -> Self {
        let slots = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4);
        AdminSessions { db, throttle: Arc::default(), hashing: Arc::new(HashingPool::new(slots)) }
    }

    /// Whether `password` is `username`'s, asked from `address`, unless the name or the
    /// address must wait after repeated failures. Logins and password changes both check
    /// through here, so guesses at either door count against the same backoff.
    /// `known_device`: the browser has logged in to this account before (the account's
    /// backoff does not bind it).
    ///
    /// The attempt is counted before the check runs, and names that are no account's are
    /// checked against a stand-in hash, so they cost the same time as real ones.
    pub async fn check_password(
        &self,
        username: &str,
        password: &str,
        address: IpAddr,
        known_device: bool,
    ) -> Result<PasswordCheck, DbError> {
        let stored = if username.chars().count() <= LONGEST_USERNAME {
            self.db.admin_password_hash(username).await?
        } else {
            None
        };
        let account = stored.is_some().then_some(username);
        let attempt = match self.throttle.admit(account, address, known_device, Instant::now()) {
            Ok(attempt) => attempt,
            Err(wait) => return Ok(PasswordCheck::TooSoon(wait)),
        };
        let is_account = stored.is_some();
        let password = password.to_string();
        let check = move || match &stored {
            Some(hash) => verify_password(&password, hash),
            None => verify_password(&password, stand_in_hash()),
        };
        match self.hashing.run(Some(HASHING_QUEUE_WAIT), check).await {
            None => {
                self.throttle.withdraw(attempt);
                Ok(PasswordCheck::Busy(Duration::from_secs(1)))
            }
            Some(right) if right && is_account => {
                self.throttle.succeeded(attempt);
                Ok(PasswordCheck::Right)
            }
            Some(_) => {
                self.throttle.failed(attempt, Instant::now());
                Ok(PasswordCheck::Wrong)
            }
        }
    }

    /// Checks a password (`check_password`) and, when it is right, opens a session,
    /// unless the account was removed meanwhile. `device` is the browser's known-device
    /// token, if it sent one; a login from a browser not yet known to this account
    /// returns a new one to set.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        address: IpAddr,
        device: Option<&str>,
    ) -> Result<Login, DbError> {
        let known = match device {
            Some(token) => self.db.known_device(&hash_token(token)).await?.is_some_and(|name| name == username),
            None => false,
        };
        match self.check_password(username, password, address, known).await? {
            PasswordCheck::TooSoon(wait) => Ok(Login::TooSoon(wait)),
            PasswordCheck::Busy(wait) => Ok(Login::Busy(wait)),
            PasswordCheck::Wrong => Ok(Login::Refused),
            PasswordCheck::Right => {
                let token = new_token("cps_");
                let now = now_ms();
                let opened =
                    self.db.insert_admin_session(&hash_token(&token), username, now, now + SESSION_TTL_MS).await?;
                if !opened {
                    return Ok(Login::Refused);
                }
                let new_device = if known {
                    None
                } else {
                    let device = new_token("cpd_");
                    self.db.insert_known_device(&hash_token(&device), username, now).await?;
                    Some(device)
                };
                Ok(Login::Accepted { session: token, new_device })
            }
        }
    }

    /// A new password's hash, on the hashing threads.
    pub async fn hash_password(&self, password: String) -> String {
        self.hashing.hash(password).await
    }

    /// Entries the login backoff holds: (accounts, addresses).
    pub fn throttle_entries(&self) -> (usize, usize) {
        self.throttle.remembered()
    }

    /// The account a session token belongs to, with its role now, while it has not
    /// expired.
    pub async fn account(&self, token: &str) -> Result<Option<SignedIn>, DbError> {
        let session = self.db.admin_session(&hash_token(token)).await?;
        Ok(session
            .filter(|s| s.expires_ms > now_ms())
            .map(|s| SignedIn { role: Role::from_stored(&s.role), username: s.username }))
    }

    /// The account name a session token belongs to, whatever its role.
    pub async fn user(&self, token: &str) -> Result<Option<String>, DbError> {
        Ok(self.account(token).await?.map(|account| account.username))
    }

    pub async fn logout(&self, token: &str) -> Result<(), DbError> {
        self.db.delete_admin_session(&hash_token(token)).await
    }
}

/// An argon2 hash of a random password no one knows, made once: unknown usernames are
/// checked against it, so a wrong name takes as long to refuse as a wrong password.
fn stand_in_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password(&new_token("")))
}

/// The session token in a `Cookie` header value: the `__Host-` cookie when there is
/// one, since only this host can have set it.
pub fn session_token(cookie_header: Option<&str>) -> Option<&str> {
    cookie(cookie_header, SECURE_SESSION_COOKIE, SESSION_COOKIE)
}

/// The known-device token in a `Cookie` header value, like `session_token`.
pub fn device_token(cookie_header: Option<&str>) -> Option<&str> {
    cookie(cookie_header, SECURE_DEVICE_COOKIE, DEVICE_COOKIE)
}

fn cookie<'a>(cookie_header: Option<&'a str>, secure_name: &str, name: &str) -> Option<&'a str> {
    let pairs = || cookie_header.into_iter().flat_map(|h| h.split(';')).filter_map(|pair| pair.trim().split_once('='));
    let named = |wanted: &str| pairs().find(|(name, _)| *name == wanted).map(|(_, value)| value);
    named(secure_name).or_else(|| named(name)).filter(|token| !token.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        assert_eq!(session_token(Some("a=1; chatpulse_session=tok; b=2")), Some("tok"));
        assert_eq!(session_token(Some("a=1")), None);
        assert_eq!(session_token(Some("chatpulse_session=tossed; __Host-chatpulse_session=own")), Some("own"));
        assert_eq!(session_token(None), None);
    }
}
