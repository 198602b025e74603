//! Storage on SQLite (the embedded default) or PostgreSQL, chosen by the URL scheme.
//! Both run the same SQL (`$n` placeholders work on both); each has its own migrations.

mod alerts;
mod credentials;
mod cursors;
mod erasure;
mod events;
mod settings;

pub use alerts::{AlertRuleRow, AttemptResult, DeliveryLogRow, DueDelivery, IncidentMove, OpenIncidentRow};
pub use credentials::{AdminRow, AdminSessionRow, ApiKeyRow};
pub use cursors::{SourceAdvance, SourcePosition, SourceRefusal};
pub use erasure::{Deletion, ErasureRow};
pub use events::{Committed, EventAnchor, EventRow};
pub use settings::StoredSettings;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database URL must start with sqlite:// or postgres://")]
    UnknownScheme,
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error(
        "cannot open the database: the server accepts only encrypted connections ({0}); \
         add ?sslmode=require (or verify-full) to the URL"
    )]
    TlsRequired(#[source] sqlx::Error),
    #[error("a database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    #[error("source {0} was moved on by another writer since its page was read; nothing was stored")]
    SourceMoved(String),
}

/// Runs the same statement code against whichever pool `db` holds.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::server::db::Db::Sqlite($pool) => $body,
            $crate::server::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// PostgreSQL connections an instance's pool opens unless told otherwise.
pub const DEFAULT_CONNECTIONS: u32 = 16;

impl Db {
    /// Connects with the default pool size (`DEFAULT_CONNECTIONS`).
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        Db::connect_pooled(url, DEFAULT_CONNECTIONS).await
    }

    /// Connects with at most `connections` pooled PostgreSQL connections.
    pub async fn connect_pooled(url: &str, connections: u32) -> Result<Db, DbError> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(DbError::Connect)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // FULL: an acknowledged batch survives a power cut, not only a crash
                // (WAL with NORMAL may lose the last commits to a power cut).
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10));
            if let Some(parent) = Path::new(options.get_filename()).parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent).map_err(|e| DbError::Connect(sqlx::Error::Io(e)))?;
                }
            }
            let pool =
                SqlitePoolOptions::new().max_connections(8).connect_with(options).await.map_err(DbError::Connect)?;
            Ok(Db::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(connections)
                .acquire_timeout(Duration::from_secs(3))
                .connect(url)
                .await
                .map_err(refused_unencrypted)?;
            Ok(Db::Postgres(pool))
        } else {
            Err(DbError::UnknownScheme)
        }
    }

    pub async fn migrate(&self) -> Result<(), DbError> {
        match self {
            Db::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// A round trip, for `/healthz`.
    pub async fn ping(&self) -> Result<(), DbError> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }
}

/// A PostgreSQL refusal of an unencrypted connection (pg_hba.conf `hostssl` only) says
/// what to change; any other connect error stays as it is.
fn refused_unencrypted(error: sqlx::Error) -> DbError {
    let text = error.to_string();
    if text.contains("no encryption") || text.contains("SSL off") {
        DbError::TlsRequired(error)
    } else {
        DbError::Connect(error)
    }
}
