//! Admin accounts and API keys as the settings page manages them: what a name, a
//! password or a label must look like, storing the change, and shutting out at once
//! whatever the change took access from.

use super::hashing::{hash_token, new_token};
use super::logins::{PasswordCheck, Role};
use super::Scope;
use crate::model::{Access, AdminAccount, ApiKeyListing};
use crate::server::db::DbError;
use crate::server::domain::time::{now_ms, retry_after_seconds};
use crate::server::pipeline::engine::calendar::local_minute;
use crate::server::state::AppState;

pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_CHARS: usize = 1024;
const MAX_USERNAME_CHARS: usize = 64;
const MAX_LABEL_CHARS: usize = 100;

/// Why a change was refused; every message is safe to show to the admin.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("a username has 1 to 64 letters, digits or . _ @ -")]
    BadUsername,
    #[error("a password has at least 12 and at most 1024 characters")]
    WeakPassword,
    #[error("the current password is not right")]
    WrongPassword,
    #[error("too many wrong passwords; try again in {} s", retry_after_seconds(*.0))]
    TooSoon(std::time::Duration),
    #[error("an admin of that name exists already")]
    Exists,
    #[error("there is no such admin")]
    NoSuchAdmin,
    #[error("you cannot remove yourself; another admin can")]
    Yourself,
    #[error("the last admin cannot be removed")]
    LastAdmin,
    #[error("a role is admin or viewer")]
    BadRole,
    #[error("a key label has 1 to 100 characters")]
    BadLabel,
    #[error("a key's scope is ingest, read or admin")]
    BadScope,
    #[error("there is no active key with that id")]
    NoSuchKey,
    #[error("the database is unavailable; nothing was changed, try again")]
    Unavailable(#[from] DbError),
}

fn check_username(name: &str) -> Result<(), AccountError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-');
    let ok = !name.is_empty() && name.chars().count() <= MAX_USERNAME_CHARS && name.chars().all(allowed);
    ok.then_some(()).ok_or(AccountError::BadUsername)
}

fn check_password(password: &str) -> Result<(), AccountError> {
    let chars = password.chars().count();
    (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars).then_some(()).ok_or(AccountError::WeakPassword)
}

/// The admins and keys, times in the configured time zone.
pub async fn access(state: &AppState, acting: &str) -> Result<Access, AccountError> {
    let tz = state.figures.tz();
    let time = |ms: i64| local_minute(tz, ms);
    let admins = state.db.admins().await?;
    let keys = state.db.api_keys().await?;
    Ok(Access {
        admins: admins
            .into_iter()
            .map(|a| AdminAccount {
                is_you: a.username == acting,
                created: time(a.created_ms),
                viewer: Role::from_stored(&a.role) == Role::Viewer,
                username: a.username,
            })
            .collect(),
        keys: keys
            .into_iter()
            .map(|k| ApiKeyListing {
                id: k.id,
                label: k.label,
                scope: k.scope,
                source: k.source,
                created: time(k.created_ms),
                last_used: k.last_used_ms.map(time),
                revoked: k.revoked_ms.map(time),
            })
            .collect(),
    })
}

/// Adds an account: an admin, or with `role` `viewer` one that can only look.
pub async fn add_admin(state: &AppState, username: &str, password: &str, role: &str) -> Result<(), AccountError> {
    check_username(username)?;
    check_password(password)?;
    let role = match role {
        "admin" => Role::Admin,
        "viewer" => Role::Viewer,
        _ => return Err(AccountError::BadRole),
    };
    let hash = state.admin_sessions.hash_password(password.to_string()).await;
    if !state.db.insert_admin(username, &hash, now_ms(), role.as_str()).await? {
        return Err(AccountError::Exists);
    }
    tracing::info!(username, role = role.as_str(), "an account was added");
    Ok(())
}

/// Removes another admin; their login sessions end, and so do their open dashboards.
pub async fn remove_admin(state: &AppState, acting: &str, username: &str) -> Result<(), AccountError> {
    if acting == username {
        return Err(AccountError::Yourself);
    }
    if state.db.admin_password_hash(username).await?.is_none() {
        return Err(AccountError::NoSuchAdmin);
    }
    if !state.db.delete_admin_unless_last(username).await? {
        return Err(AccountError::LastAdmin);
    }
    tracing::info!(username, by = acting, "an admin was removed");
    state.login_watch().sweep().await;
    Ok(())
}

/// Who changes their own password, from where.
pub struct Acting<'a> {
    pub username: &'a str,
    /// The session making the change: it stays open.
    pub session_token: &'a str,
    pub address: std::net::IpAddr,
}

/// Changes the acting admin's password; their other login sessions end, the one
/// making the change stays.
pub async fn change_password(
    state: &AppState,
    acting: Acting<'_>,
    current: &str,
    new: &str,
) -> Result<(), AccountError> {
    let Acting { username, session_token, address } = acting;
    check_password(new)?;
    // Not as a known device: a borrowed session guesses no faster than the login page.
    match state.admin_sessions.check_password(username, current, address, false).await? {
        PasswordCheck::Right => {}
        PasswordCheck::Wrong => return Err(AccountError::WrongPassword),
        PasswordCheck::TooSoon(wait) | PasswordCheck::Busy(wait) => return Err(AccountError::TooSoon(wait)),
    }
    let hash = state.admin_sessions.hash_password(new.to_string()).await;
    state.db.set_admin_password(username, &hash).await?;
    state.db.delete_admin_sessions_of(username, Some(&hash_token(session_token))).await?;
    tracing::info!(username, "an admin changed their password");
    state.login_watch().sweep().await;
    Ok(())
}

/// Creates a key and returns it: the only time it is ever seen, since only its hash
/// is stored.
pub async fn create_key(state: &AppState, label: &str, scope: &str) -> Result<String, AccountError> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > MAX_LABEL_CHARS {
        return Err(AccountError::BadLabel);
    }
    let scope = match scope {
        "ingest" => Scope::Ingest,
        "read" => Scope::Read,
        "admin" => Scope::Admin,
        _ => return Err(AccountError::BadScope),
    };
    let key = new_token(match scope {
        Scope::Ingest => "cpi_",
        Scope::Read => "cpr_",
        Scope::Admin => "cpa_",
    });
    state.db.insert_api_key(label, scope.as_str(), &hash_token(&key), "settings", now_ms()).await?;
    state.keyring.reload().await?;
    tracing::info!(label, scope = scope.as_str(), "an API key was created");
    Ok(key)
}

/// Revokes a key: requests with it are refused from now on and its open sockets end.
pub async fn revoke_key(state: &AppState, id: i64) -> Result<(), AccountError> {
    if !state.db.revoke_api_key(id, now_ms()).await? {
        return Err(AccountError::NoSuchKey);
    }
    state.keyring.reload().await?;
    tracing::info!(id, "an API key was revoked");
    state.login_watch().sweep().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_plain_and_short() {
        assert!(check_username("ops.team-1@example").is_ok());
        for bad in ["", "with space", "<script>", &"a".repeat(65), "ümlaut"] {
            assert!(check_username(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn passwords_are_long_enough_counted_in_characters() {
        assert!(check_password("correct horse").is_ok());
        assert!(check_password("short").is_err());
        assert!(check_password(&"ş".repeat(12)).is_ok());
        assert!(check_password(&"x".repeat(1025)).is_err());
    }
}
