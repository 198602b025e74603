//! First-start credentials: the `admin` account and the keys the environment names,
//! generated and printed once when the environment names none.

use super::hashing::{hash_password, hash_token, new_token, verify_password};
use crate::server::config::{Config, Secret};
use crate::server::db::{Db, DbError};
use crate::server::domain::time::now_ms;

pub const ADMIN_USER: &str = "admin";

/// What was generated on this start, to show the operator once.
#[derive(Default)]
pub struct Generated {
    pub admin_password: Option<String>,
    pub ingest_key: Option<String>,
}

pub async fn ensure_credentials(db: &Db, config: &Config) -> Result<Generated, DbError> {
    let mut generated = Generated::default();
    let now = now_ms();
    let stored = db.admin_password_hash(ADMIN_USER).await?;
    match (&config.admin_password, stored) {
        (Some(password), Some(hash)) if verify_password(password.expose(), &hash) => {}
        (Some(password), stored) => {
            db.upsert_admin(ADMIN_USER, &hash_password(password.expose()), now).await?;
            if stored.is_some() {
                // A new password in the environment is a rotation: whoever logged in
                // with the old one is out.
                db.delete_admin_sessions_of(ADMIN_USER, None).await?;
                tracing::info!("CHATPULSE_ADMIN_PASSWORD changed: the admin's sessions were ended");
            }
        }
        (None, Some(_)) => {}
        (None, None) => {
            let password = new_token("")[..24].to_string();
            db.upsert_admin(ADMIN_USER, &hash_password(&password), now).await?;
            generated.admin_password = Some(password);
        }
    }
    ensure_env_key(db, "ingest", &config.ingest_key, now).await?;
    ensure_env_key(db, "read", &config.read_key, now).await?;
    let keys = db.api_keys().await?;
    let has_ingest = keys.iter().any(|k| k.scope == "ingest" && k.revoked_ms.is_none());
    if !has_ingest {
        let key = new_token("cpi_");
        db.insert_api_key("generated at first start", "ingest", &hash_token(&key), "generated", now).await?;
        generated.ingest_key = Some(key);
    }
    Ok(generated)
}

/// Makes the key given by the environment exist with its scope, and retires a key
/// an earlier start took from the same variable. A key revoked on the settings page
/// is not brought back by naming it again.
async fn ensure_env_key(db: &Db, scope: &str, key: &Option<Secret>, now: i64) -> Result<(), DbError> {
    let Some(key) = key else { return Ok(()) };
    let source = format!("env:{scope}");
    let hash = hash_token(key.expose());
    db.insert_api_key(&format!("from CHATPULSE_{}_KEY", scope.to_uppercase()), scope, &hash, &source, now).await?;
    db.revoke_keys_from_source(&source, &hash, now).await?;
    let revoked = db.api_keys().await?.iter().any(|k| k.key_hash == hash && k.revoked_ms.is_some());
    if revoked {
        tracing::warn!(
            "CHATPULSE_{}_KEY names a key that was revoked; it stays revoked: set a new key",
            scope.to_uppercase()
        );
    }
    Ok(())
}
