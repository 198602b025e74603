//! Admin accounts, API keys and admin login sessions; only hashes are stored.

use super::{on_pool, Db, DbError};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: i64,
    pub label: String,
    pub scope: String,
    pub key_hash: String,
    pub source: String,
    pub created_ms: i64,
    pub last_used_ms: Option<i64>,
    pub revoked_ms: Option<i64>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AdminRow {
    pub username: String,
    pub created_ms: i64,
    /// `admin` or `viewer`.
    pub role: String,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AdminSessionRow {
    pub username: String,
    pub expires_ms: i64,
    /// The account's role now, not when the session opened.
    pub role: String,
}

impl Db {
    pub async fn admin_password_hash(&self, username: &str) -> Result<Option<String>, DbError> {
        let sql = "SELECT password_hash FROM admins WHERE username = $1";
        Ok(on_pool!(self, pool => sqlx::query_scalar(sql).bind(username).fetch_optional(pool).await)?)
    }

    pub async fn upsert_admin(&self, username: &str, password_hash: &str, now_ms: i64) -> Result<(), DbError> {
        let sql = "INSERT INTO admins (username, password_hash, created_ms) VALUES ($1, $2, $3) \
                   ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash";
        on_pool!(self, pool => sqlx::query(sql).bind(username).bind(password_hash).bind(now_ms).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn admins(&self) -> Result<Vec<AdminRow>, DbError> {
        let sql = "SELECT username, created_ms, role FROM admins ORDER BY username";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?)
    }

    /// Adds an account with `role` unless the name is taken; says whether it was added.
    pub async fn insert_admin(
        &self,
        username: &str,
        password_hash: &str,
        now_ms: i64,
        role: &str,
    ) -> Result<bool, DbError> {
        let sql = "INSERT INTO admins (username, password_hash, created_ms, role) VALUES ($1, $2, $3, $4) \
                   ON CONFLICT (username) DO NOTHING";
        let added = on_pool!(self, pool => sqlx::query(sql).bind(username).bind(password_hash).bind(now_ms).bind(role).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(added == 1)
    }

    /// Removes an admin and their login sessions, unless they are the last admin;
    /// says whether they were removed. Two admins removing each other at once cannot
    /// leave nobody: SQLite writes one statement at a time, and on PostgreSQL the count
    /// locks every admin row, so the second removal counts again after the first.
    pub async fn delete_admin_unless_last(&self, username: &str) -> Result<bool, DbError> {
        let sql = match self {
            Db::Sqlite(_) => {
                "DELETE FROM admins WHERE username = $1 \
                 AND (role <> 'admin' OR (SELECT COUNT(*) FROM admins WHERE role = 'admin') > 1)"
            }
            Db::Postgres(_) => {
                "DELETE FROM admins WHERE username = $1 AND (role <> 'admin' \
                 OR (SELECT COUNT(*) FROM (SELECT 1 FROM admins WHERE role = 'admin' FOR UPDATE) AS locked) > 1)"
            }
        };
        let removed =
            on_pool!(self, pool => sqlx::query(sql).bind(username).execute(pool).await.map(|r| r.rows_affected()))?;
        if removed == 1 {
            self.delete_admin_sessions_of(username, None).await?;
            let sql = "DELETE FROM known_devices WHERE username = $1";
            on_pool!(self, pool => sqlx::query(sql).bind(username).execute(pool).await.map(|r| r.rows_affected()))?;
        }
        Ok(removed == 1)
    }

    pub async fn set_admin_password(&self, username: &str, password_hash: &str) -> Result<(), DbError> {
        let sql = "UPDATE admins SET password_hash = $1 WHERE username = $2";
        on_pool!(self, pool => sqlx::query(sql).bind(password_hash).bind(username).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Ends an admin's login sessions, but the one whose hash is `keep_hash`.
    pub async fn delete_admin_sessions_of(&self, username: &str, keep_hash: Option<&str>) -> Result<(), DbError> {
        let sql = "DELETE FROM admin_sessions WHERE username = $1 AND token_hash <> $2";
        on_pool!(self, pool => sqlx::query(sql).bind(username).bind(keep_hash.unwrap_or("")).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn api_keys(&self) -> Result<Vec<ApiKeyRow>, DbError> {
        let sql =
            "SELECT id, label, scope, key_hash, source, created_ms, last_used_ms, revoked_ms FROM api_keys ORDER BY id";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?)
    }

    /// Adds a key, or updates the scope of the active key with that hash. A revoked key
    /// stays revoked whoever names it again: revoking is for good.
    pub async fn insert_api_key(
        &self,
        label: &str,
        scope: &str,
        key_hash: &str,
        source: &str,
        now_ms: i64,
    ) -> Result<(), DbError> {
        let sql = "INSERT INTO api_keys (label, scope, key_hash, source, created_ms) VALUES ($1, $2, $3, $4, $5) \
                   ON CONFLICT (key_hash) DO UPDATE SET scope = excluded.scope, source = excluded.source \
                   WHERE api_keys.revoked_ms IS NULL";
        on_pool!(self, pool => sqlx::query(sql)
            .bind(label).bind(scope).bind(key_hash).bind(source).bind(now_ms)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Revokes the keys that came from `source` other than the one with `keep_hash`.
    pub async fn revoke_keys_from_source(&self, source: &str, keep_hash: &str, now_ms: i64) -> Result<(), DbError> {
        let sql = "UPDATE api_keys SET revoked_ms = $1 WHERE source = $2 AND key_hash <> $3 AND revoked_ms IS NULL";
        on_pool!(self, pool => sqlx::query(sql).bind(now_ms).bind(source).bind(keep_hash).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Revokes one key; says whether an active key of that id existed.
    pub async fn revoke_api_key(&self, id: i64, now_ms: i64) -> Result<bool, DbError> {
        let sql = "UPDATE api_keys SET revoked_ms = $1 WHERE id = $2 AND revoked_ms IS NULL";
        let revoked = on_pool!(self, pool => sqlx::query(sql).bind(now_ms).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(revoked == 1)
    }

    pub async fn touch_api_key(&self, id: i64, now_ms: i64) -> Result<(), DbError> {
        let sql = "UPDATE api_keys SET last_used_ms = $1 WHERE id = $2";
        on_pool!(self, pool => sqlx::query(sql).bind(now_ms).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn insert_admin_session(
        &self,
        token_hash: &str,
        username: &str,
        now_ms: i64,
        expires_ms: i64,
    ) -> Result<bool, DbError> {
        // One statement: a login that finishes while its admin is being removed opens nothing.
        let sql = "INSERT INTO admin_sessions (token_hash, username, created_ms, expires_ms) \
                   SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM admins WHERE username = $2)";
        let inserted = on_pool!(self, pool => sqlx::query(sql).bind(token_hash).bind(username).bind(now_ms).bind(expires_ms).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(inserted == 1)
    }

    pub async fn admin_session(&self, token_hash: &str) -> Result<Option<AdminSessionRow>, DbError> {
        let sql = "SELECT s.username, s.expires_ms, a.role FROM admin_sessions s \
                   JOIN admins a ON a.username = s.username WHERE s.token_hash = $1";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(token_hash).fetch_optional(pool).await)?)
    }

    /// Remembers a browser that logged in to `username` (by its token's hash).
    pub async fn insert_known_device(&self, token_hash: &str, username: &str, now_ms: i64) -> Result<(), DbError> {
        let sql = "INSERT INTO known_devices (token_hash, username, created_ms) VALUES ($1, $2, $3) \
                   ON CONFLICT (token_hash) DO NOTHING";
        on_pool!(self, pool => sqlx::query(sql).bind(token_hash).bind(username).bind(now_ms).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The account a known browser logged in to, if any.
    pub async fn known_device(&self, token_hash: &str) -> Result<Option<String>, DbError> {
        let sql = "SELECT username FROM known_devices WHERE token_hash = $1";
        Ok(on_pool!(self, pool => sqlx::query_scalar(sql).bind(token_hash).fetch_optional(pool).await)?)
    }

    pub async fn delete_admin_session(&self, token_hash: &str) -> Result<(), DbError> {
        let sql = "DELETE FROM admin_sessions WHERE token_hash = $1";
        on_pool!(self, pool => sqlx::query(sql).bind(token_hash).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
