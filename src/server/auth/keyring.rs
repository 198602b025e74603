//! API keys held in memory by hash, so a request's key check costs a hash and a lookup.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use super::hashing::hash_token;
use crate::server::db::{Db, DbError};
use crate::server::domain::time::now_ms;

/// How often a key's "last used" time is written at most.
const TOUCH_EVERY_MS: i64 = 60_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Ingest,
    Read,
    /// Erasing visitors' data through the API (`POST /api/erasures`).
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Ingest => "ingest",
            Scope::Read => "read",
            Scope::Admin => "admin",
        }
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("an API key is required (Authorization: Bearer <key>)")]
    Missing,
    #[error("the API key is not valid")]
    Invalid,
    #[error("this API key may not do that: it lacks the {0} scope")]
    WrongScope(&'static str),
}

#[derive(Clone, Debug)]
struct KeyInfo {
    id: i64,
    scope: String,
}

pub struct Keyring {
    db: Db,
    keys: RwLock<HashMap<String, KeyInfo>>,
    touched: Mutex<HashMap<i64, i64>>,
}

impl Keyring {
    pub async fn load(db: Db) -> Result<Arc<Keyring>, DbError> {
        let keyring = Arc::new(Keyring { db, keys: RwLock::default(), touched: Mutex::default() });
        keyring.reload().await?;
        Ok(keyring)
    }

    /// Re-reads the active keys, after a key is created or revoked.
    pub async fn reload(&self) -> Result<(), DbError> {
        let rows = self.db.api_keys().await?;
        let active = rows
            .into_iter()
            .filter(|k| k.revoked_ms.is_none())
            .map(|k| (k.key_hash, KeyInfo { id: k.id, scope: k.scope }))
            .collect();
        *self.keys.write() = active;
        Ok(())
    }

    /// The ids of the keys in force.
    pub fn active_ids(&self) -> std::collections::HashSet<i64> {
        self.keys.read().values().map(|k| k.id).collect()
    }

    /// Checks a presented key for a scope; returns the key's id.
    pub fn check(&self, token: Option<&str>, scope: Scope) -> Result<i64, KeyError> {
        let token = token.filter(|t| !t.is_empty()).ok_or(KeyError::Missing)?;
        let info = self.keys.read().get(&hash_token(token)).cloned().ok_or(KeyError::Invalid)?;
        if info.scope != scope.as_str() {
            return Err(KeyError::WrongScope(scope.as_str()));
        }
        self.touch(info.id);
        Ok(info.id)
    }

    /// Records use in the background, at most once a minute per key.
    fn touch(&self, id: i64) {
        let now = now_ms();
        {
            let mut touched = self.touched.lock();
            if touched.get(&id).is_some_and(|last| now - last < TOUCH_EVERY_MS) {
                return;
            }
            touched.insert(id, now);
        }
        let db = self.db.clone();
        tokio::spawn(async move {
            if let Err(error) = db.touch_api_key(id, now).await {
                tracing::warn!(%error, "could not record an API key's last use");
            }
        });
    }
}

/// The token of an `Authorization: Bearer …` header value.
pub fn bearer(header: Option<&str>) -> Option<&str> {
    let value = header?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}
